// Package prefs holds the agent's preferences and where Sportello keeps its data.
package prefs

import (
	"os"
	"strings"
)

// Settings are the agent's preferences, saved in the store.
type Settings struct {
	Language  string `json:"language"` // auto, it, en
	AgentName string `json:"agentName"`
	Theme     string `json:"theme"` // auto, light, dark
}

// Defaults are the settings before the agent changes anything.
func Defaults() Settings {
	name := os.Getenv("USER")
	if name == "" {
		name = os.Getenv("USERNAME")
	}
	if name == "" {
		name = "agent"
	}
	return Settings{Language: "auto", AgentName: name, Theme: "auto"}
}

// Normalize fixes unknown values to their defaults.
func (s Settings) Normalize() Settings {
	switch s.Language {
	case "auto", "it", "en":
	default:
		s.Language = "auto"
	}
	switch s.Theme {
	case "auto", "light", "dark":
	default:
		s.Theme = "auto"
	}
	s.AgentName = strings.TrimSpace(s.AgentName)
	if s.AgentName == "" {
		s.AgentName = Defaults().AgentName
	}
	if len(s.AgentName) > 80 {
		s.AgentName = s.AgentName[:80]
	}
	return s
}

// OSLocale is the user's language from the environment (e.g. "it-IT"), "" if unknown.
func OSLocale() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := os.Getenv(v); l != "" && l != "C" && l != "POSIX" {
			l, _, _ = strings.Cut(l, ".")
			return strings.ReplaceAll(l, "_", "-")
		}
	}
	return osLocale()
}
