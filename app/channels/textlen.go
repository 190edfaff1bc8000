package channels

import (
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"

	"sportello/app/convo"
)

// TextLimit is a platform's text limit for a reply and how the platform
// counts it; 0 means no limit.
func TextLimit(p convo.Platform, k convo.Kind) int {
	switch p {
	case convo.PlatformX:
		if k == convo.KindDM {
			return 10000
		}
		return 280
	case convo.PlatformMessenger:
		return 2000
	case convo.PlatformInstagram:
		return 1000
	case convo.PlatformTelegram, convo.PlatformWhatsApp:
		return 4096
	case convo.PlatformFacebook:
		return 8000
	}
	return 0
}

// TextLength counts text as the platform does: X weighs characters (most
// non-Latin characters and every emoji count 2, a URL counts 23);
// Instagram counts UTF-8 bytes (its limit is "less than 1000 characters",
// kept safe); Telegram counts UTF-16 code units; the others count characters.
func TextLength(p convo.Platform, text string) int {
	switch p {
	case convo.PlatformX:
		return xWeighted(text)
	case convo.PlatformInstagram:
		return len(text)
	case convo.PlatformTelegram:
		return len(utf16.Encode([]rune(text)))
	}
	return utf8.RuneCountInString(text)
}

// X's URL detection, simplified from twitter-text: a scheme or www. prefix,
// or a bare domain with a common top-level domain that ends there ("bene.Come"
// is no URL).
var xURL = regexp.MustCompile(`(?i)\b(?:https?://[^\s]+|www\.[^\s]+|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.(?:com|it|net|org|eu|io|co|uk|de|fr|es|ch|info|biz|app|dev|shop|store|example)\b(?:/[^\s]*)?)`)

// urlEnd is how much of a matched URL twitter-text keeps: punctuation that
// ends the sentence ("…/resi.") or closes a bracket opened before the URL is
// not part of it.
func urlEnd(u string) int {
	for len(u) > 0 {
		r, n := utf8.DecodeLastRuneInString(u)
		switch {
		case strings.ContainsRune(".,;:!?'\"»…", r):
		case r == ')' && strings.Count(u, "(") < strings.Count(u, ")"):
		default:
			return len(u)
		}
		u = u[:len(u)-n]
	}
	return 0
}

// xWeighted is twitter-text v3's weighted length: weight 1 for code points in
// its light ranges, 2 for others; an emoji (a whole grapheme) counts 2; a URL 23.
func xWeighted(text string) int {
	text = norm.NFC.String(text)
	n := 0
	last := 0
	for _, loc := range xURL.FindAllStringIndex(text, -1) {
		if loc[0] > 0 && text[loc[0]-1] == '@' {
			continue // the domain of an e-mail address is not a link
		}
		end := loc[0] + urlEnd(text[loc[0]:loc[1]])
		n += xPlain(text[last:loc[0]]) + 23
		last = end
	}
	return n + xPlain(text[last:])
}

func xPlain(s string) int {
	n := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		rs := g.Runes()
		if isEmoji(rs) {
			n += 2
			continue
		}
		for _, r := range rs {
			n += xWeight(r)
		}
	}
	return n
}

func xWeight(r rune) int {
	switch {
	case r <= 4351, r >= 8192 && r <= 8205, r >= 8208 && r <= 8223, r >= 8242 && r <= 8247:
		return 1
	}
	return 2
}

// isEmoji reports whether a grapheme is an emoji (pictographic, flags,
// keycaps, and any symbol asking for emoji presentation, like "▶️").
func isEmoji(rs []rune) bool {
	for i, r := range rs {
		switch {
		case r == 0xFE0F && i > 0 && rs[0] >= 0x80:
			return true
		case r >= 0x1F000 && r <= 0x1FAFF, r >= 0x2600 && r <= 0x27BF, r >= 0x1F1E6 && r <= 0x1F1FF,
			r >= 0x2B00 && r <= 0x2BFF, r == 0x203C, r == 0x2049, r >= 0x2190 && r <= 0x21FF && len(rs) > 1:
			return true
		case r == 0x20E3 && i > 0: // keycap
			return true
		}
	}
	return false
}
