package channels

import (
	"strings"
	"testing"

	"sportello/app/convo"
)

func TestTextLength(t *testing.T) {
	tests := []struct {
		name string
		p    convo.Platform
		text string
		want int
	}{
		{"x latin", convo.PlatformX, "Ciao Giulia", 11},
		{"x accented italian", convo.PlatformX, "Perché è già lì? Città", 22},
		{"x url counts 23", convo.PlatformX, "vedi https://auroracasa.example/ordini/A18422?x=1 grazie", 5 + 23 + 7},
		{"x bare domain", convo.PlatformX, "auroracasa.it", 23},
		{"x emoji counts 2", convo.PlatformX, "ok 👍", 5},
		{"x zwj family is one emoji", convo.PlatformX, "👨‍👩‍👧", 2},
		{"x skin tone is one emoji", convo.PlatformX, "👍🏽", 2},
		{"x flag", convo.PlatformX, "🇮🇹", 2},
		{"x cjk counts 2", convo.PlatformX, "日本", 4},
		{"x decomposed accent is normalised", convo.PlatformX, "e\u0301", 1},
		{"messenger counts characters", convo.PlatformMessenger, "Perché 👍", 8},
		{"instagram counts bytes", convo.PlatformInstagram, "è", 2},
		{"telegram counts utf-16 units", convo.PlatformTelegram, "👍a", 3},
		{"whatsapp counts characters", convo.PlatformWhatsApp, "città", 5},

		// Italian: every Latin-1 letter weighs 1 on X, 2 bytes on Instagram.
		{"x italian sentence", convo.PlatformX, italian, 109},
		{"x decomposed italian is normalised", convo.PlatformX, "perche\u0301 citta\u0300", 12},
		{"x curly apostrophe weighs 1, ellipsis 2", convo.PlatformX, "l’ordine è lì…", 15},
		{"x euro sign weighs 2", convo.PlatformX, "Totale 25 €", 12},
		{"messenger italian sentence", convo.PlatformMessenger, italian, 109},
		{"whatsapp italian sentence", convo.PlatformWhatsApp, italian, 109},
		{"facebook italian sentence", convo.PlatformFacebook, italian, 109},
		{"email italian sentence", convo.PlatformEmail, italian, 109},
		{"instagram italian sentence", convo.PlatformInstagram, italian, 116},
		{"telegram italian sentence", convo.PlatformTelegram, italian, 109},

		// URLs on X count 23 whatever their length; around them, the text.
		{"x long url with query and fragment", convo.PlatformX, "Traccia qui: https://track.example.com/it/spedizioni?codice=ABC123&lang=it&utm_source=x&utm_medium=dm#stato", 13 + 23},
		{"x url ending a sentence", convo.PlatformX, "Vedi https://auroracasa.example/resi.", 5 + 23 + 1},
		{"x url ending a question", convo.PlatformX, "Hai visto https://auroracasa.example/resi?", 10 + 23 + 1},
		{"x url in brackets", convo.PlatformX, "(https://auroracasa.example/resi)", 1 + 23 + 1},
		{"x url with balanced brackets", convo.PlatformX, "https://it.wikipedia.org/wiki/Divano_(mobile)", 23},
		{"x two urls", convo.PlatformX, "a https://x.example/1 b www.auroracasa.it/c", 2 + 23 + 3 + 23},
		{"x bare domain with path", convo.PlatformX, "auroracasa.it/resi?ordine=18422 ok", 23 + 3},
		{"x e-mail address is not a url", convo.PlatformX, "scrivi a assistenza@auroracasa.it", 33},
		{"x missing space after a full stop is not a url", convo.PlatformX, "Va bene.Come stai?", 18},
		{"x url with italian around", convo.PlatformX, "Perché? Guarda https://auroracasa.example/faq?q=perché è lì", 15 + 23 + 5},
		{"messenger counts the whole url", convo.PlatformMessenger, "https://auroracasa.example/resi?x=1", 35},
		{"instagram counts the whole url", convo.PlatformInstagram, "https://auroracasa.example/resi?x=1", 35},

		// Emoji: one grapheme is one emoji, 2 on X whatever its code points.
		{"x several emoji", convo.PlatformX, "Grazie! 🙏🏻😊", 8 + 2 + 2},
		{"x zwj profession", convo.PlatformX, "👩‍💻", 2},
		{"x zwj rainbow flag", convo.PlatformX, "🏳️‍🌈", 2},
		{"x zwj heart on fire", convo.PlatformX, "❤️‍🔥", 2},
		{"x keycaps", convo.PlatformX, "1️⃣2️⃣#️⃣", 6},
		{"x two flags", convo.PlatformX, "🇮🇹🇬🇧", 4},
		{"x symbol with emoji presentation", convo.PlatformX, "▶️ Guarda", 2 + 7},
		{"x watch with emoji presentation", convo.PlatformX, "⌚️", 2},
		{"x heart with emoji presentation", convo.PlatformX, "❤️", 2},
		{"messenger zwj family is five characters", convo.PlatformMessenger, "👨‍👩‍👧", 5},
		{"whatsapp flag is two characters", convo.PlatformWhatsApp, "🇮🇹", 2},
		{"instagram zwj family bytes", convo.PlatformInstagram, "👨‍👩‍👧", 3*4 + 2*3},
		{"instagram keycap bytes", convo.PlatformInstagram, "1️⃣", 1 + 3 + 3},

		// Telegram counts UTF-16 code units: astral characters are two.
		{"telegram surrogate pair", convo.PlatformTelegram, "👍", 2},
		{"telegram math letter", convo.PlatformTelegram, "𝒜", 2},
		{"telegram zwj family", convo.PlatformTelegram, "👨‍👩‍👧", 3*2 + 2},
		{"telegram flag", convo.PlatformTelegram, "🇮🇹", 4},
		{"telegram keycap", convo.PlatformTelegram, "1️⃣", 3},
		{"telegram cjk is one unit", convo.PlatformTelegram, "你好", 2},
		{"telegram rare cjk is two", convo.PlatformTelegram, "𠀋", 2},

		// Mixed scripts: X weighs CJK 2, Latin, Greek, Cyrillic, Arabic 1.
		{"x mixed cjk and latin", convo.PlatformX, "Ciao 你好 world", 5 + 4 + 6},
		{"x japanese", convo.PlatformX, "ありがとう", 10},
		{"x korean", convo.PlatformX, "감사합니다", 10},
		{"x cyrillic", convo.PlatformX, "Привет", 6},
		{"x arabic", convo.PlatformX, "شكرا", 4},
		{"x cjk with emoji and url", convo.PlatformX, "谢谢🙏 https://auroracasa.example", 4 + 2 + 1 + 23},
		{"messenger cjk", convo.PlatformMessenger, "Ciao 你好", 7},
		{"instagram cjk bytes", convo.PlatformInstagram, "你好", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TextLength(tt.p, tt.text); got != tt.want {
				t.Errorf("TextLength(%s, %q) = %d, want %d", tt.p, tt.text, got, tt.want)
			}
		})
	}
}

const italian = "Perché la consegna è in ritardo? Può verificare l'ordine n° 18422 entro lunedì? Grazie, è già la terza volta!"

// TestTextLimitEdges puts texts right at each platform's limit and one unit
// over it, counted as the platform counts.
func TestTextLimitEdges(t *testing.T) {
	url := "https://auroracasa.example/ordini/A18422?utm_source=x&utm_campaign=natale"
	tests := []struct {
		name string
		p    convo.Platform
		k    convo.Kind
		text string
		want int
	}{
		{"x 280 latin", convo.PlatformX, convo.KindMention, strings.Repeat("a", 280), 280},
		{"x 281 latin", convo.PlatformX, convo.KindMention, strings.Repeat("a", 281), 281},
		{"x 280 accented", convo.PlatformX, convo.KindMention, strings.Repeat("è", 280), 280},
		{"x 140 cjk", convo.PlatformX, convo.KindMention, strings.Repeat("日", 140), 280},
		{"x 139 cjk and 2 latin", convo.PlatformX, convo.KindMention, strings.Repeat("日", 139) + "ab", 280},
		{"x 140 cjk and 1 latin", convo.PlatformX, convo.KindMention, strings.Repeat("日", 140) + "a", 281},
		{"x 140 emoji", convo.PlatformX, convo.KindMention, strings.Repeat("👍🏽", 140), 280},
		{"x 141 emoji", convo.PlatformX, convo.KindMention, strings.Repeat("👍🏽", 141), 282},
		{"x 256 latin and a url", convo.PlatformX, convo.KindMention, strings.Repeat("a", 256) + " " + url, 280},
		{"x 257 latin and a url", convo.PlatformX, convo.KindMention, strings.Repeat("a", 257) + " " + url, 281},
		{"x dm is longer", convo.PlatformX, convo.KindDM, strings.Repeat("a", 10000), 10000},
		{"instagram 1000 bytes of accents", convo.PlatformInstagram, convo.KindDM, strings.Repeat("à", 500), 1000},
		{"instagram 1001 bytes", convo.PlatformInstagram, convo.KindDM, strings.Repeat("à", 500) + ".", 1001},
		{"instagram 250 emoji", convo.PlatformInstagram, convo.KindDM, strings.Repeat("👍", 250), 1000},
		{"instagram 999 latin and an accent", convo.PlatformInstagram, convo.KindComment, strings.Repeat("a", 999) + "è", 1001},
		{"telegram 2048 emoji", convo.PlatformTelegram, convo.KindDM, strings.Repeat("👍", 2048), 4096},
		{"telegram 2048 emoji and one more unit", convo.PlatformTelegram, convo.KindDM, strings.Repeat("👍", 2048) + "a", 4097},
		{"telegram 4096 accents", convo.PlatformTelegram, convo.KindDM, strings.Repeat("è", 4096), 4096},
		{"whatsapp 4096 accents", convo.PlatformWhatsApp, convo.KindDM, strings.Repeat("è", 4096), 4096},
		{"whatsapp 2048 emoji", convo.PlatformWhatsApp, convo.KindDM, strings.Repeat("👍", 2048), 2048},
		{"messenger 2000", convo.PlatformMessenger, convo.KindDM, strings.Repeat("ò", 2000), 2000},
		{"messenger 2001", convo.PlatformMessenger, convo.KindDM, strings.Repeat("ò", 2001), 2001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, limit := TextLength(tt.p, tt.text), TextLimit(tt.p, tt.k)
			if n != tt.want {
				t.Errorf("TextLength(%s, …%d bytes) = %d, want %d", tt.p, len(tt.text), n, tt.want)
			}
			if fits, want := n <= limit, tt.want <= limit; fits != want {
				t.Errorf("%d of %d fits = %v, want %v", n, limit, fits, want)
			}
		})
	}
}

func TestTextLimit(t *testing.T) {
	for _, tt := range []struct {
		p    convo.Platform
		k    convo.Kind
		want int
	}{
		{convo.PlatformX, convo.KindMention, 280}, {convo.PlatformX, convo.KindDM, 10000},
		{convo.PlatformMessenger, convo.KindDM, 2000}, {convo.PlatformInstagram, convo.KindDM, 1000},
		{convo.PlatformTelegram, convo.KindDM, 4096}, {convo.PlatformWhatsApp, convo.KindDM, 4096},
		{convo.PlatformEmail, convo.KindEmail, 0},
	} {
		if got := TextLimit(tt.p, tt.k); got != tt.want {
			t.Errorf("TextLimit(%s, %s) = %d, want %d", tt.p, tt.k, got, tt.want)
		}
	}
	if n := TextLength(convo.PlatformX, strings.Repeat("a", 280)); n != 280 {
		t.Errorf("280 latin letters weigh %d on X", n)
	}
}
