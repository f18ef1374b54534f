// Package corrupt damages EVTX files the way crashes, half-finished copies
// and attackers do, for the corruption tests: truncation at any byte,
// seeded random byte flips, zeroed and swapped chunks and a damaged file
// header. Every mutator works on a copy and says which chunk slots it
// touched, so a test can require that every other chunk still reads
// exactly as it did in the intact file.
package corrupt
