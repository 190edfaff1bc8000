package prefs

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// likelyZones are tried, in order, when the OS does not name its time zone
// (Windows): the first whose offsets match the local clock's in January and
// July is taken.
var likelyZones = []string{
	"Europe/Rome", "Europe/London", "Europe/Lisbon", "Europe/Athens", "Europe/Helsinki", "Europe/Moscow",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
	"Asia/Dubai", "Asia/Kolkata", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "UTC",
}

// TimeZone is the OS's IANA time zone name, e.g. "Europe/Rome" ("UTC" if unknown).
func TimeZone() string {
	if tz := os.Getenv("TZ"); tz != "" {
		if _, err := time.LoadLocation(strings.TrimPrefix(tz, ":")); err == nil {
			return strings.TrimPrefix(tz, ":")
		}
	}
	if target, err := filepath.EvalSymlinks("/etc/localtime"); err == nil {
		if i := strings.Index(target, "zoneinfo/"); i >= 0 {
			name := target[i+len("zoneinfo/"):]
			if _, err := time.LoadLocation(name); err == nil {
				return name
			}
		}
	}
	if b, err := os.ReadFile("/etc/timezone"); err == nil {
		name := strings.TrimSpace(string(b))
		if _, err := time.LoadLocation(name); err == nil {
			return name
		}
	}
	y := time.Now().Year()
	for _, name := range likelyZones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			continue
		}
		match := true
		for _, m := range []time.Month{time.January, time.July} {
			_, a := time.Date(y, m, 15, 12, 0, 0, 0, time.Local).Zone()
			_, b := time.Date(y, m, 15, 12, 0, 0, 0, loc).Zone()
			match = match && a == b
		}
		if match {
			return name
		}
	}
	return "UTC"
}
