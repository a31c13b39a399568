"""Electronic licences: types, SM2-signed licences, verification, wallet, revocation, renewal reminders."""
