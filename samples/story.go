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
	Time      string `yaml:"time"` // HH:MM:SS[.fffffff] UTC
	Host      string `yaml:"host"` // a HostSpec name
	User      string `yaml:"user"` // DOMAIN\name; empty: the parent's account
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
	hosts := map[string]bool{}
	for _, h := range s.Hosts {
		if h.Name == "" || h.Computer == "" || hosts[h.Name] {
			return fmt.Errorf("host %q: needs a unique name and a computer", h.Name)
		}
		hosts[h.Name] = true
		for _, u := range h.Users {
			if _, err := s.at(u.Logon); err != nil {
				return fmt.Errorf("host %s, user %s: logon: %w", h.Name, u.User, err)
			}
			if _, err := s.at(u.Logoff); err != nil {
				return fmt.Errorf("host %s, user %s: logoff: %w", h.Name, u.User, err)
			}
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
		case st.Class != classContext && (st.Category == "" || st.Note == ""):
			return fmt.Errorf("%s: an attack or look-alike needs a category and a note", where)
		}
		last = t
		ids[st.ID] = true
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
