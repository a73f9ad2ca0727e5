"""The ledger's writers: bookings (balance transactions of the money other apps move, in
their transactions) and payouts."""
