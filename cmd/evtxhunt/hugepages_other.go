//go:build !linux

package main

// adviseHugePages does nothing: transparent huge pages are a Linux
// feature (see hugepages_linux.go).
func adviseHugePages() {}
