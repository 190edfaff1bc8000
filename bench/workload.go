package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"sportello/app/convo"
)

// The standard workload of targets.md: a deterministic desk (fixed seed).
type workload struct {
	accounts []convo.Account
	items    map[string][]convo.Inbound // per account, in time order
	messages int
	convs    int
	long     string // a conversation ID with 40 messages
}

var words = map[string][]string{
	"it": strings.Fields("ciao buongiorno ordine pacco consegna rimborso reso corriere ritardo prodotto rotto difettoso grazie per favore quando arriva ancora nessuno risponde vorrei sapere codice sconto negozio orari disponibile taglia colore divano lampada tavolo sedia spedizione fattura pagamento carta bonifico perché già però città"),
	"en": strings.Fields("hello hi order parcel delivery refund return courier late product broken faulty thanks please when arrives still nobody answers would like know discount code store hours available size colour sofa lamp table chair shipping invoice payment card transfer"),
}

var extras = []string{"📦", "😡", "🙏", "❤️", "https://shop.example/orders/A18422", "#A" + "30211", "👍", "🎁"}

func sentence(r *rand.Rand, lang string, n int) string {
	ws := words[lang]
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(ws[r.IntN(len(ws))])
	}
	if r.IntN(3) == 0 {
		b.WriteString(" " + extras[r.IntN(len(extras))])
	}
	return b.String()
}

func kindsOf(p convo.Platform) []convo.Kind {
	switch p {
	case convo.PlatformFacebook:
		return []convo.Kind{convo.KindComment}
	case convo.PlatformInstagram:
		return []convo.Kind{convo.KindDM, convo.KindComment}
	case convo.PlatformX:
		return []convo.Kind{convo.KindMention, convo.KindDM}
	case convo.PlatformEmail:
		return []convo.Kind{convo.KindEmail}
	}
	return []convo.Kind{convo.KindDM}
}

// build makes nConv conversations with about nMsg messages in all, ending at end.
func build(nConv, nMsg int, end time.Time) *workload {
	r := rand.New(rand.NewPCG(42, 42))
	w := &workload{items: map[string][]convo.Inbound{}}
	for _, p := range convo.Platforms {
		for i := range 2 {
			w.accounts = append(w.accounts, convo.Account{ID: fmt.Sprintf("%s-%d", p, i), Platform: p, Name: fmt.Sprintf("%s %d", p, i)})
		}
	}
	mean := float64(nMsg) / float64(nConv)
	longDone := false
	for c := range nConv {
		a := w.accounts[r.IntN(len(w.accounts))]
		lang := "it"
		if r.IntN(10) < 3 {
			lang = "en"
		}
		cust := r.IntN(nConv/3 + 1)
		kind := kindsOf(a.Platform)[r.IntN(len(kindsOf(a.Platform)))]
		// 1–40 messages with the requested mean.
		n := 1 + int(r.ExpFloat64()*(mean-1))
		n = min(n, 40)
		if !longDone && a.Platform == convo.PlatformMessenger {
			n, longDone = 40, true
			w.long = "pending"
		}
		start := end.Add(-time.Duration(r.Int64N(int64(24 * time.Hour))))
		thread := fmt.Sprintf("t%d", c)
		id := convo.Identity{Platform: a.Platform, Handle: fmt.Sprintf("%s-u%d", a.Platform, cust), DisplayName: fmt.Sprintf("%s %d", strings.ToUpper(lang), cust)}
		aka := []convo.Identity{{Platform: convo.PlatformEmail, Handle: fmt.Sprintf("u%d@mail.example", cust)}}
		at := start
		for m := range n {
			dir := convo.DirIn
			if m%2 == 1 {
				dir = convo.DirOut
			}
			text := sentence(r, lang, 4+r.IntN(20))
			if kind == convo.KindEmail {
				text = strings.Repeat(text+"\n", 3+r.IntN(20))
			}
			in := convo.Inbound{ThreadID: thread, Kind: kind, Public: kind.Public(), Customer: id, AKA: aka, Language: lang,
				Message: convo.Message{PlatformID: fmt.Sprintf("p%d.%d", c, m), Direction: dir, Author: id.DisplayName, Text: text, At: at}}
			if kind == convo.KindEmail {
				in.Subject = "Ordine " + thread
			}
			w.items[a.ID] = append(w.items[a.ID], in)
			at = at.Add(time.Duration(1+r.IntN(30)) * time.Minute)
			w.messages++
		}
		if w.long == "pending" {
			w.long = a.ID + "\x00" + thread
		}
		w.convs++
	}
	for _, its := range w.items {
		slices.SortStableFunc(its, func(a, b convo.Inbound) int { return a.Message.At.Compare(b.Message.At) })
	}
	return w
}
