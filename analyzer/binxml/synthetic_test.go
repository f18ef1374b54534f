package binxml

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/evtxhunt/evtxhunt/analyzer/decode"
	"github.com/evtxhunt/evtxhunt/analyzer/event"
)

// syntheticPath is a small EVTX file written by chunkBuilder (never taken
// from the shared corpus): chunk 0 mixes the well-formed constructs of
// TestConstructs, chunk 1 is full of records that are not process
// creations, for the skip-path benchmark.
var syntheticPath = filepath.Join("testdata", "synthetic.evtx")

// syntheticImage builds the file syntheticPath holds.
func syntheticImage() []byte {
	mixed := newChunkBuilder()
	for _, tc := range constructs {
		if tc.want.problems == 0 && tc.want.fallbacks == 0 {
			tc.build(mixed)
		}
	}
	return evtxImage(mixed.chunk("").Data, skipChunk().Data)
}

// skipChunk fills a chunk with logon (4624) and Sysmon network (3)
// records: what the skip path sees most of in real logs.
func skipChunk() decode.Chunk {
	b := newChunkBuilder()
	logonNames := []string{"SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "TargetUserSid",
		"TargetUserName", "TargetDomainName", "TargetLogonId", "LogonType", "LogonProcessName", "IpAddress", "IpPort"}
	logonTypes := []byte{typeSID, typeString, typeString, typeHexInt64, typeSID, typeString, typeString, typeHexInt64,
		typeUint32, typeString, typeString, typeString}
	netNames := []string{"UtcTime", "ProcessGuid", "ProcessId", "Image", "Protocol", "SourceIp", "DestinationIp", "DestinationPort"}
	netTypes := []byte{typeString, typeGUID, typeUint32, typeString, typeString, typeString, typeString, typeUint16}
	var logonDef, netDef uint32
	for i := 0; b.pos < len(b.buf)-1024; i++ {
		at := when.Add(time.Duration(i) * time.Second)
		host := fmt.Sprintf("WS%02d.corp.example", i%3)
		logon := append(systemValues(event.SecurityProvider, 4624, 2, at, uint64(i+1), "Security", host),
			sidUser, vStr("alice"), vStr("CORP"), vHex64(0x3e7), sidUser, vStr("bob"), vStr("CORP"), vHex64(uint64(0x10000+i)),
			vU32(3), vStr("NtLmSsp "), vStr("10.0.0.7"), vStr("49152"))
		net := append(systemValues(event.SysmonProvider, 3, 5, at, uint64(i+1), event.SysmonChannel, host),
			vStr("2024-03-01 12:34:56.789"), guidProc, vU32(uint32(1000+i)), vStr(`C:\Windows\System32\svchost.exe`),
			vStr("tcp"), vStr("10.0.0.7"), vStr("10.0.0.1"), vU16(443))
		b.record(func() {
			b.fragment()
			switch {
			case i == 0:
				logonDef = b.instance(func() { b.eventDef(logonNames, logonTypes) }, logon)
			case i == 1:
				netDef = b.instance(func() { b.eventDef(netNames, netTypes) }, net)
			case i%4 == 3:
				b.instanceOf(netDef, net)
			default:
				b.instanceOf(logonDef, logon)
			}
		})
	}
	return b.chunk("skip")
}

// TestSyntheticFile checks that testdata/synthetic.evtx is what the
// builder writes (so its bytes are reviewable as code), and that decoding
// it gives testdata/synthetic.golden.
func TestSyntheticFile(t *testing.T) {
	img := syntheticImage()
	if *update {
		if err := os.WriteFile(syntheticPath, img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(syntheticPath)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(data, img) {
		t.Fatalf("%s differs from what chunkBuilder writes (run with -update)", syntheticPath)
	}
	var golden bytes.Buffer
	d := New()
	for _, c := range splitChunks(data, "synthetic.evtx") {
		var r decode.Result
		d.Decode(&c, &r)
		fmt.Fprintf(&golden, "== chunk %d: records %d of %d, problems %d, fallbacks %d, %s to %s, hosts %q\n", c.Index, r.Records,
			len(c.Records), len(r.Problems), r.Fallbacks, event.FormatTime(r.First), event.FormatTime(r.Last), r.Hosts)
		if r.Records != len(c.Records) || len(r.Problems) != 0 || r.Fallbacks != 0 {
			t.Errorf("chunk %d: %d of %d records, problems %v, fallbacks %d", c.Index, r.Records, len(c.Records), r.Problems, r.Fallbacks)
		}
		for _, p := range r.Events {
			golden.Write(p.AppendJSON(nil))
			golden.WriteByte('\n')
		}
	}
	checkGolden(t, "synthetic.golden", golden.Bytes())
}
