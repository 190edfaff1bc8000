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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TextLength(tt.p, tt.text); got != tt.want {
				t.Errorf("TextLength(%s, %q) = %d, want %d", tt.p, tt.text, got, tt.want)
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
