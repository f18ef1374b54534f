// Package extract maps the EventData of Security 4688 (versions 0 to 2) and
// Sysmon EventID 1 (all versions) records onto the one event.Process type.
// Decoders feed it name/value pairs as strings; it knows the names of both
// sources, converts hex and decimal numbers, joins DOMAIN\name, and derives
// IntegrityLevel from 4688's MandatoryLabel SID.
package extract
