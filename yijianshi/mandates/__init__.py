"""Mandates (授权委托, 帮办代办): who may act for whom, for what, until when, established how.

Rule (000 task 8 帮办代办; 001 §15 on shared data read only for a purpose and by someone entitled to it; issue 17
point 2): acting or reading for someone else needs an **active mandate** from that person or enterprise (the
principal) to the one acting (the agent) that covers the bundle and the ability used, on the day it is used.
Without one, the request is refused with 403 `mandate_required`, naming what is missing (no mandate, a mandate
still awaiting the principal's confirmation, refused, revoked, expired, not yet valid, out of scope for this
bundle or these items, or without this ability), **before anything is read** from a source or written. With
one, every read is in the access ledger with the agent as actor and the principal as subject, the use is in
the mandate's history, and the principal is told.

A mandate names
- the principal: a person (identity number) or an enterprise (credit code), with the principal's account when
  there is one;
- the agent: a person's account (acting as a relative, an enterprise's staff member or a village assistant
  代办员), or a service point (帮办代办 by the hall or a village point);
- its scope: everything, some bundles (一件事) or some items (事项); its abilities: apply (申请), follow
  (查看进度), receive results (领取结果); its validity (whole days, Beijing time);
- how it was established: granted by the principal signed in; requested by the agent and confirmed by the
  principal in their account; or recorded at a window by a clerk who verified the principal in person (ID card
  read, face check, or a paper letter of authorisation scanned), with that evidence, the clerk and the place.

States (transitions.py): requested → active → revoked | expired; requested → refused | expired. The principal
sees every mandate they gave and revokes it (/me/mandates/, /api/mandates/).

Where it is enforced: an applicant's `on_behalf_of` in `cases.services._party` (ability `apply`, through
`mandate_require`, which names what is missing); and every read of an application the agent filed, in
`cases.permissions` (the one home of what an actor sees), through `selectors.mandate_allows` /
`mandates_in_force`: "follow" to see the application, its history and progress documents, "receive" for its
results, "apply" alone for the receipt filed — only while the mandate is in force (a revoked or expired one
leaves the agent nothing, 404). Progress notices go to the principal only. The agent's reads of shared data
for the principal are in the access ledger with the role "agent" and the mandate's number
(`ledger.services.Purpose.mandate`), shown to the principal under "who read my data". A clerk applying at the
counter for a person present is the purpose-bound intake, checked in person, and does not use this register.
"""
