"""The one safe way storyfmt writes files, and ``storyfmt.dump`` on top of it."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

import storyfmt
from storyfmt._files import NotRewritten, Snapshot, links_outside, write_file

OLD = b"Title\n\nStory Stats\n\nStatus\nActive\n"
NEW = b"Another title\n"
LONG = storyfmt.StoryCard(title="A much longer title" * 50)


def _only(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def _disk_full_after_one_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """``os.write`` writes half of the first buffer, then fails once with ENOSPC."""
    real_write = os.write
    calls = []

    def write(descriptor: int, data: bytes | memoryview) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(descriptor, bytes(data)[: max(1, len(data) // 2)])
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(descriptor, data)

    monkeypatch.setattr(os, "write", write)


def test_a_file_changed_after_it_was_read_is_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "x.story"
    path.write_bytes(OLD)
    before = Snapshot.read(str(path))
    edited = OLD.replace(b"Title", b"Tiltt")  # same size
    path.write_bytes(edited)
    os.utime(path, ns=(before.mtime_ns, before.mtime_ns))  # same time too: the bytes tell
    with pytest.raises(NotRewritten, match="changed since it was read"):
        write_file(str(path), NEW, before)
    assert path.read_bytes() == edited
    assert _only(tmp_path) == ["x.story"]


def test_a_file_replaced_by_another_is_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "x.story"
    path.write_bytes(OLD)
    before = Snapshot.read(str(path))
    (tmp_path / "saved.tmp").write_bytes(OLD)
    os.replace(tmp_path / "saved.tmp", path)  # as an editor saves: same bytes, new file
    with pytest.raises(NotRewritten):
        write_file(str(path), NEW, before)
    assert path.read_bytes() == OLD


def test_an_unchanged_file_is_replaced_keeping_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "x.story"
    path.write_bytes(OLD)
    path.chmod(0o640)
    write_file(str(path), NEW, Snapshot.read(str(path)))
    assert path.read_bytes() == NEW
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert _only(tmp_path) == ["x.story"]


def test_a_file_with_two_hard_links_stays_one_file(tmp_path: Path) -> None:
    path, other = tmp_path / "a.story", tmp_path / "b.story"
    path.write_bytes(OLD)
    os.link(path, other)
    inode = path.stat().st_ino
    write_file(str(path), NEW, Snapshot.read(str(path)))
    assert path.stat().st_ino == other.stat().st_ino == inode
    assert path.stat().st_nlink == 2
    assert other.read_bytes() == NEW


def test_a_hard_linked_file_changed_after_it_was_read_is_not_rewritten(tmp_path: Path) -> None:
    path, other = tmp_path / "a.story", tmp_path / "b.story"
    path.write_bytes(OLD)
    os.link(path, other)
    before = Snapshot.read(str(path))
    other.write_bytes(OLD + b"\n")
    with pytest.raises(NotRewritten):
        write_file(str(path), NEW, before)
    assert path.read_bytes() == OLD + b"\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_the_owner_and_group_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "x.story"
    path.write_bytes(OLD)
    os.chown(path, 65534, 65534)
    write_file(str(path), NEW)
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)
    assert path.read_bytes() == NEW


def test_an_owner_that_cannot_be_kept_means_rewriting_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.story"
    path.write_bytes(OLD)
    inode = path.stat().st_ino

    def refuse(descriptor: int, uid: int, gid: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "fchown", refuse)
    write_file(str(path), NEW)
    assert path.stat().st_ino == inode
    assert path.read_bytes() == NEW
    assert _only(tmp_path) == ["x.story"]


def test_a_new_file_gets_the_usual_mode(tmp_path: Path) -> None:
    path = tmp_path / "new.story"
    write_file(str(path), NEW)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert path.read_bytes() == NEW


def test_a_device_is_written_to_and_stays_a_device(tmp_path: Path) -> None:
    null = tmp_path / "null"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (OSError, AttributeError):
        pytest.skip("cannot make a device here")
    write_file(str(null), NEW)
    assert stat.S_ISCHR(null.stat().st_mode)
    assert _only(tmp_path) == ["null"]


def test_dump_on_a_full_disk_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.story"
    path.write_bytes(OLD)
    _disk_full_after_one_write(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        storyfmt.dump(LONG, path)
    assert path.read_bytes() == OLD
    assert _only(tmp_path) == ["x.story"]


def test_dump_on_a_full_disk_puts_back_a_hard_linked_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, other = tmp_path / "a.story", tmp_path / "b.story"
    path.write_bytes(OLD)
    os.link(path, other)
    _disk_full_after_one_write(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        storyfmt.dump(LONG, path)
    assert other.read_bytes() == OLD
    assert _only(tmp_path) == ["a.story", "b.story"]


def test_dump_refuses_a_read_only_file(tmp_path: Path) -> None:
    path = tmp_path / "x.story"
    path.write_bytes(OLD)
    path.chmod(0o444)
    with pytest.raises(OSError, match="read-only"):
        storyfmt.dump(storyfmt.StoryCard(title="Other"), path)
    assert path.read_bytes() == OLD


def test_links_outside_the_folder_searched(tmp_path: Path) -> None:
    (tmp_path / "tree" / "sub").mkdir(parents=True)
    (tmp_path / "outside.story").write_bytes(OLD)
    (tmp_path / "tree" / "inside.story").write_bytes(OLD)
    (tmp_path / "tree" / "out.story").symlink_to(tmp_path / "outside.story")
    (tmp_path / "tree" / "sub" / "in.story").symlink_to(tmp_path / "tree" / "inside.story")
    tree = str(tmp_path / "tree")
    found = [
        (tree, f"{tree}/inside.story"),
        (tree, f"{tree}/out.story"),
        (tree, f"{tree}/sub/in.story"),
    ]
    assert links_outside(found) == {f"{tree}/out.story": tree}
    assert links_outside([*found, (f"{tree}/out.story", f"{tree}/out.story")]) == {}
