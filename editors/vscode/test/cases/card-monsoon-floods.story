11
Monsoon Floods in Assam
Rising rivers displace thousands in northeast India
Assam, India / Brahmaputra / Monsoon /

Story Stats

Status
Active
Duration
18 hours
Virality
6
Articles
9

The Breakdown

  • Heavy rain has pushed the Brahmaputra above danger levels at several gauging stations.
  • Relief camps have opened in the worst-hit districts, with boats used to reach cut-off villages.
  • Kaziranga National Park has moved staff to high ground as water enters its grasslands.

Further Learning

Why does Assam flood almost every year?

The Brahmaputra carries one of the heaviest sediment loads of any river, and
its bed rises over time; combined with intense monsoon rain, it overflows
its banks most summers.
