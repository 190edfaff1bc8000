// Package prefs holds the agent's preferences and where Sportello keeps its data.
package prefs

import (
	"os"
	"path/filepath"
	"runtime"
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

// DataDir is the per-user data folder: %AppData%\Sportello on Windows,
// ~/Library/Application Support/Sportello on macOS, $XDG_DATA_HOME/sportello
// (default ~/.local/share/sportello) elsewhere.
func DataDir() (string, error) {
	switch runtime.GOOS {
	case "windows", "darwin":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "Sportello"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "sportello"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "sportello"), nil
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
