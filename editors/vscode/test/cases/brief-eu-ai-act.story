What's Happening?
The European Union's Artificial Intelligence Act has begun to apply, starting with bans on uses of AI considered an unacceptable risk and new duties for the providers of general-purpose models.
Why It's Important?
It is the first comprehensive law on artificial intelligence in a major economy, and companies that sell AI products in Europe, wherever they are based, must comply.

Like the GDPR before it, the Act may shape rules far beyond the EU.
What's Next?
Obligations for high-risk systems phase in over the next two years, and the European AI Office will publish codes of practice and guidance.
Beyond the Headlines
Start-ups worry about compliance costs, while consumer groups say the bans leave loopholes for law enforcement.
