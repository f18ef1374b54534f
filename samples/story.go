package samples

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Scenarios are the folders under samples/ that hold a story.yaml.
var Scenarios = []string{"demo"}

// Story is a scenario file: one day on a few hosts.
type Story struct {
	Date string `yaml:"date"` // YYYY-MM-DD; step times are UTC on it
	Seed uint64 `yaml:"seed"`
	// Background is the number of background records of each log of each
	// host.
	Background struct {
		Security int `yaml:"security"`
		Sysmon   int `yaml:"sysmon"`
	} `yaml:"background"`
	// FirstRecordID is the EventRecordID of each log's first record: the
	// logs have been running for a while before the day.
	FirstRecordID struct {
		Security uint64 `yaml:"security"`
		Sysmon   uint64 `yaml:"sysmon"`
	} `yaml:"first_record_id"`
	Hosts []HostSpec `yaml:"hosts"`
	Steps []Step     `yaml:"steps"`

	day time.Time
}

// HostSpec is one computer and its users.
type HostSpec struct {
	Name     string     `yaml:"name"`     // short name used by steps, e.g. WS01
	Computer string     `yaml:"computer"` // FQDN the logs show
	Users    []UserSpec `yaml:"users"`
	// Remote are Remote Desktop sessions of the host's users, each with
	// its own logon id; steps run in one by naming it.
	Remote []RemoteSpec `yaml:"remote"`
}

// RemoteSpec is a Remote Desktop session (logon type 10) of one of the
// host's users, from a client address and workstation.
type RemoteSpec struct {
	ID          string `yaml:"id"`   // the name steps give as their session
	User        string `yaml:"user"` // DOMAIN\name, one of the host's users
	From        string `yaml:"from"` // client IP address
	Workstation string `yaml:"workstation"`
	Logon       string `yaml:"logon"`  // HH:MM:SS[.fffffff]
	Logoff      string `yaml:"logoff"` // HH:MM:SS[.fffffff]
}

// UserSpec is a user who signs in to a host for part of the day.
type UserSpec struct {
	User   string `yaml:"user"` // DOMAIN\name
	SID    string `yaml:"sid"`
	Admin  bool   `yaml:"admin"`
	Logon  string `yaml:"logon"`  // HH:MM:SS[.fffffff]
	Logoff string `yaml:"logoff"` // HH:MM:SS[.fffffff]
}

// Step is one process the story starts.
type Step struct {
	ID        string `yaml:"id"`
	Time      string `yaml:"time"`    // HH:MM:SS[.fffffff] UTC
	Host      string `yaml:"host"`    // a HostSpec name
	User      string `yaml:"user"`    // DOMAIN\name; empty: the parent's account
	Session   string `yaml:"session"` // a RemoteSpec id: the user's session; empty: the console
	Parent    string `yaml:"parent"`
	Image     string `yaml:"image"`
	Command   string `yaml:"command"`
	Integrity string `yaml:"integrity"` // empty: the parent's
	Directory string `yaml:"directory"` // current directory; empty: the parent's
	Console   bool   `yaml:"console"`   // the program gets a conhost.exe child
	Class     string `yaml:"class"`     // attack, lookalike or context
	Category  string `yaml:"category"`  // what it is (attack class, or what it resembles)
	Note      string `yaml:"note"`      // the story; for a look-alike, why it must not alert
}

// Step classes.
const (
	classAttack    = "attack"
	classLookalike = "lookalike"
	classContext   = "context"
)

// LoadStory reads and checks a scenario file.
func LoadStory(path string) (*Story, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var s Story
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// check validates the story and resolves its date.
func (s *Story) check() error {
	day, err := time.Parse("2006-01-02", s.Date)
	if err != nil {
		return fmt.Errorf("date: %w", err)
	}
	s.day = day
	hosts, sessions := map[string]bool{}, map[string]bool{}
	for _, h := range s.Hosts {
		if h.Name == "" || h.Computer == "" || hosts[h.Name] {
			return fmt.Errorf("host %q: needs a unique name and a computer", h.Name)
		}
		hosts[h.Name] = true
		users := map[string]bool{}
		for _, u := range h.Users {
			if err := s.checkSpan(u.Logon, u.Logoff); err != nil {
				return fmt.Errorf("host %s, user %s: %w", h.Name, u.User, err)
			}
			users[strings.ToLower(u.User)] = true
		}
		for _, r := range h.Remote {
			where := fmt.Sprintf("host %s, remote session %q", h.Name, r.ID)
			switch {
			case r.ID == "" || sessions[r.ID]:
				return fmt.Errorf("%s: needs a unique id", where)
			case !users[strings.ToLower(r.User)]:
				return fmt.Errorf("%s: %q is not a user of the host", where, r.User)
			case r.From == "" || r.Workstation == "":
				return fmt.Errorf("%s: needs a client address and workstation", where)
			}
			if err := s.checkSpan(r.Logon, r.Logoff); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
			sessions[r.ID] = true
		}
	}
	ids := map[string]bool{}
	var last time.Time
	for i, st := range s.Steps {
		where := fmt.Sprintf("step %d (%s)", i+1, st.ID)
		t, err := s.at(st.Time)
		switch {
		case err != nil:
			return fmt.Errorf("%s: time: %w", where, err)
		case t.Before(last):
			return fmt.Errorf("%s: steps must be in time order", where)
		case st.ID == "" || ids[st.ID]:
			return fmt.Errorf("%s: needs a unique id", where)
		case !hosts[st.Host]:
			return fmt.Errorf("%s: unknown host %q", where, st.Host)
		case st.Image == "" || st.Parent == "":
			return fmt.Errorf("%s: needs an image and a parent", where)
		case st.Class != classAttack && st.Class != classLookalike && st.Class != classContext:
			return fmt.Errorf("%s: class must be attack, lookalike or context", where)
		case st.Session != "" && !sessions[st.Session]:
			return fmt.Errorf("%s: unknown remote session %q", where, st.Session)
		case st.Class != classContext && (st.Category == "" || st.Note == ""):
			return fmt.Errorf("%s: an attack or look-alike needs a category and a note", where)
		}
		last = t
		ids[st.ID] = true
	}
	return nil
}

// checkSpan checks a session's logon and logoff times.
func (s *Story) checkSpan(logon, logoff string) error {
	on, err := s.at(logon)
	if err != nil {
		return fmt.Errorf("logon: %w", err)
	}
	off, err := s.at(logoff)
	if err != nil {
		return fmt.Errorf("logoff: %w", err)
	}
	if !on.Before(off) {
		return fmt.Errorf("logoff %s is not after logon %s", logoff, logon)
	}
	return nil
}

// at returns the time of a HH:MM:SS[.fffffff] on the story's day.
func (s *Story) at(clock string) (time.Time, error) {
	t, err := time.Parse("15:04:05.9999999", strings.TrimSpace(clock))
	if err != nil {
		return time.Time{}, fmt.Errorf("not a time of day: %q", clock)
	}
	return s.day.Add(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())), nil
}
