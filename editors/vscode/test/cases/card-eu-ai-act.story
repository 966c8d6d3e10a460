4
EU AI Act Takes Effect
Europe's landmark rules for artificial intelligence begin to apply
European Union / Artificial intelligence / Brussels, Belgium /

Story Stats

Status
Active
Duration
3 days
Virality
8.4
Articles
42
Political leaning
Center
Region
Europe

The Breakdown 9

  • The first obligations of the EU's Artificial Intelligence Act now apply across all 27 member states.
  • Systems judged to pose an "unacceptable risk", such as social scoring by public authorities, are banned.
  • Providers of general-purpose models must publish summaries of their training data and respect copyright rules.
  • National regulators will coordinate through a new European AI Office in Brussels.
  • Fines for the most serious breaches can reach 7% of a company's worldwide turnover.

Top Keywords

European Union / Artificial intelligence / Brussels, Belgium /

Further Learning

What does "high-risk" mean under the AI Act?

High-risk systems are those used in areas such as hiring, credit scoring,
medical devices and critical infrastructure. Their providers must assess
risks, keep logs and ensure human oversight before selling them in the EU.

Who enforces the new rules?

Each member state names a market surveillance authority, while the European
AI Office supervises general-purpose models and coordinates enforcement.

How does the Act compare with rules elsewhere?

It is the first comprehensive AI law of a major economy. The United States
relies mostly on sector rules and executive guidance, and China regulates
specific uses such as recommendation algorithms and generative AI.

You're all caught up
