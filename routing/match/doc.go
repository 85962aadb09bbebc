// Package match recognises a new lead as an existing customer and finds
// duplicate customers in a book, with the evidence for every verdict, so
// that one customer has one owner: no customer followed up twice, none
// forgotten.
//
// A host keeps its own storage. For a new lead it asks Keys for the
// blocking keys (E.164 phone numbers, mailbox keys, registrable company
// domains, the normalised company name within its country), queries its
// own records by them, and hands the candidates to Matcher.Match (or, when
// it keeps each record's Profile, built at import, their profiles to
// Matcher.MatchProfiles, which costs a seventh as much, or, when it stores
// them beside the records in its database (Profile.MarshalBinary), the
// stored rows to Matcher.MatchStored, which checks and scores them at
// about the same cost: see Match and Profile). Each
// candidate is scored from evidence (same phone, same mailbox, same company
// domain, same or similar name, same country and city, and the evidence
// against: another country, another company domain, an unlike name), and
// the result is the match, possible matches for a person to review, or
// none, by the thresholds of a Config. Free-mail domains (gmail.com,
// qq.com, 163.com, outlook.com …) never connect a lead to a company by
// domain. Names in different scripts (深圳华信电子 and Shenzhen Huaxin
// Electronics) are not compared: what connects them is a phone number or a
// domain, never a guess from the names.
//
// Route puts matching in front of a routing.Router: a lead that matches a
// customer is routed as that customer, so a pool with sticky owners sends
// it to the customer's owner, and the match evidence comes back with the
// routing decision; a possible match is deferred for review, or routed by
// the host's own rule on lead.attrs (see Handling).
//
// Duplicates finds clusters of duplicate customers in an iter.Seq of
// records in one pass, by sorting blocking keys rather than comparing all
// pairs, in memory proportional to the book; Merge proposes how to merge a
// cluster (the most complete record survives, empty fields are filled from
// the most recent record that has them, lists are joined) and refuses to
// merge across a legal hold or a consent difference without saying so.
//
// This package decides nothing about owners itself and stores nothing. A
// Matcher is immutable and safe for concurrent use. No error, trace or
// String of a result shows personal data: phone numbers and email
// addresses appear masked, names not at all.
package match
