package routing

import "hash/maphash"

// LookUpFirst makes r look every item up before deciding, as a Router over
// a store that is no WindowReserver does: the reference against which
// tests check that skipping that Lookup changes no decision.
func LookUpFirst(r *Router) { r.lookupFirst = true }

// ItemShard returns the index of the shard of MemoryStore's assignments
// that holds item, for tests that need items on different shards.
func ItemShard(item string) int { return int(maphash.String(itemSeed, item) % itemShards) }
