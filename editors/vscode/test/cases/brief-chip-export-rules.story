What's Happening?
New export controls restrict the sale of advanced chip-making equipment to several countries, tightening rules introduced two years ago.
What's Next?
Equipment makers expect licence decisions within months; allies are being asked to align their own rules.
