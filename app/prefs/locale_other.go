//go:build !windows

package prefs

func osLocale() string { return "" }
