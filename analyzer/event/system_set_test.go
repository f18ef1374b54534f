package event

import "testing"

func TestSystemSetNumber(t *testing.T) {
	for _, tc := range []struct {
		v    SystemValue
		n    uint64
		want string // as SystemValueOf renders it
		name string
	}{
		{SysLevel, 4, "4", "Level"},
		{SysTask, 13312, "13312", "Task"},
		{SysOpcode, 0x1ff, "255", "Opcode"}, // truncated to its byte
		{SysKeywords, 0x8020000000000000, "0x8020000000000000", "Keywords"},
		{SysProcessID, 612, "612", "Execution_ProcessID"},
		{SysThreadID, 1<<32 + 7, "7", "Execution_ThreadID"},
	} {
		var s System
		s.SetNumber(tc.v, tc.n)
		if got, ok := s.SystemValueOf(tc.name); !ok || got != tc.want {
			t.Errorf("SetNumber(%s, %d): %s = %q, %v; want %q", tc.name, tc.n, tc.name, got, ok, tc.want)
		}
	}
	var s System
	s.SetNumber(SysUserID, 5)
	if s.Has.Contains(SysUserID) {
		t.Error("SetNumber marked a string value present")
	}
}
