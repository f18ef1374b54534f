// Package shard splits the reading of many EVTX inputs across batch jobs
// by host, so that the jobs' findings together are exactly those of one
// scan of everything.
//
// Everything evtxhunt reports about an event is computed from the events
// of the same host: timeline context, ancestry, children, the parent
// command line a 4688 event is given, and copies of a record (copies have
// the same Computer). So hosts are the unit to split on: each host
// belongs to exactly one of the N shards (1-based). Its first choice is
// its hash shard:
//
//	shard = FNV-1a-64(strings.ToLower(Computer), as UTF-8 bytes) mod N + 1
//
// (FNV-1a 64: offset basis 0xcbf29ce484222325, prime 0x100000001b3;
// strings.ToLower is Unicode's simple lower-case mapping, A-Z to a-z for
// ASCII names). The scanner keys its per-host history on the same
// lower-cased name, so two spellings of one host always share a shard.
//
// A hash alone can give one shard most of the bytes, so Prepare runs a
// pre-pass with a decoder that reads each record only as far as its time
// and host (binxml's HostsOnly mode, about ten times faster than a full
// decode), learns which hosts each input holds, and places the hosts
// (Assignment): a host leaves its hash shard only when that shard would
// read more than its share of the bytes plus the largest input, or when
// another shard with room already reads its inputs. Every job computes the
// same placement from the same inputs. A shard then reads only the inputs
// holding one of its hosts; a file holding several hosts is read by every
// shard that owns one of them, which keeps only its own hosts' events
// (Keeper). Inputs in which the pre-pass found no host at all
// (unreadable, empty or destroyed files) go to shard 1, so their problems
// are reported once.
package shard
