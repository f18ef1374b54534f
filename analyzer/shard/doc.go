// Package shard splits the reading of many EVTX inputs across batch jobs
// by host, so that the jobs' findings together are exactly those of one
// scan of everything.
//
// Everything evtxhunt reports about an event is computed from the events
// of the same host: timeline context, ancestry, children, the parent
// command line a 4688 event is given, and copies of a record (copies have
// the same Computer). So hosts are the unit to split on. Shard K of N
// (1-based) owns the hosts whose lower-cased Computer name hashes to K:
//
//	shard = FNV-1a-64(strings.ToLower(Computer), as UTF-8 bytes) mod N + 1
//
// (FNV-1a 64: offset basis 0xcbf29ce484222325, prime 0x100000001b3;
// strings.ToLower is Unicode's simple lower-case mapping, A-Z to a-z for
// ASCII names). The scanner keys its per-host history on the same
// lower-cased name, so two spellings of one host always share a shard.
//
// A shard does not need to read every file to find its hosts' records:
// Prepare runs a pre-pass with a decoder that reads each record only as
// far as its time and host (binxml's HostsOnly mode, about ten times
// faster than a full decode), learns which inputs hold a host of the
// shard, and keeps only those. A file holding several hosts is read by
// every shard that owns one of them; the shard then keeps only its own
// hosts' events (Keeper). Inputs in which the pre-pass found no host at
// all (unreadable, empty or destroyed files) go to shard 1, so their
// problems are reported once.
package shard
