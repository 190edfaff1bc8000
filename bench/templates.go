package main

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"time"

	"sportello/app/convo"
	"sportello/app/store"
	"sportello/app/templates"
)

// templateTopic is one care situation a desk writes templates for.
type templateTopic struct {
	lang, stem, name, body string
}

var templateTopics = []templateTopic{
	{"it", "ritardo", "Ritardo consegna", "Ciao {{customer.first_name}}, mi dispiace per l'attesa del tuo {{product}}. Ho controllato l'ordine {{field.order}}: il corriere prevede la consegna il {{field.date}}. Ti tengo aggiornato io. {{agent.name}}"},
	{"it", "rimborso", "Rimborso disposto", "Ciao {{customer.first_name}}, ho disposto il rimborso dell'ordine {{field.order}} ({{product}}): lo vedrai sul tuo metodo di pagamento entro {{field.days}} giorni lavorativi. {{agent.name}}"},
	{"it", "reso", "Reso: etichetta di ritorno", "Ciao {{customer.first_name}}, ti ho inviato per e-mail l'etichetta per il reso del {{product}}. Stampala, applicala sul pacco e consegnalo in un punto di ritiro entro 14 giorni."},
	{"it", "privato", "Passiamo in privato", "Ciao {{customer.first_name}}, ci dispiace molto per il {{product}}. Ti abbiamo scritto in privato per risolvere subito insieme."},
	{"it", "grazie", "Grazie del feedback", "Grazie a te {{customer.first_name}}! Siamo felici che il {{product}} ti piaccia. Buona giornata da {{account.name}}"},
	{"it", "danno", "Prodotto arrivato danneggiato", "Ciao {{customer.first_name}}, mi dispiace che il {{product}} sia arrivato danneggiato. Puoi mandarmi una foto del pacco e del prodotto? Organizzo subito la sostituzione."},
	{"it", "fattura", "Richiesta fattura", "Ciao {{customer.first_name}}, la fattura dell'ordine {{field.order}} è disponibile nella tua area clienti, sezione Ordini. Te la invio anche per e-mail."},
	{"it", "garanzia", "Garanzia e assistenza", "Ciao {{customer.first_name}}, il {{product}} è coperto da garanzia per 24 mesi. Per aprire una pratica mi servono il numero d'ordine e una breve descrizione del problema."},
	{"it", "montaggio", "Istruzioni di montaggio", "Ciao {{customer.first_name}}, trovi le istruzioni di montaggio del {{product}} qui: https://auroracasa.example/montaggio. Se qualcosa non torna scrivimi pure!"},
	{"it", "perche", "Perché il pacco è in giacenza", "Ciao {{customer.first_name}}, il pacco è in giacenza perché il corriere non ha trovato nessuno all'indirizzo. Possiamo riprogrammare la consegna: che giorno ti è più comodo?"},
	{"it", "cambio", "Cambio taglia o colore", "Ciao {{customer.first_name}}, certo che puoi cambiare il {{product}}: ti mando l'etichetta per il reso e spediamo il nuovo appena lo riceviamo."},
	{"it", "indirizzo", "Modifica indirizzo di consegna", "Ciao {{customer.first_name}}, ho aggiornato l'indirizzo di consegna dell'ordine {{field.order}}. Il corriere riceverà la modifica entro oggi."},
	{"en", "delay", "Delivery delay", "Hi {{customer.first_name}}, I'm sorry for the wait on your {{product}}. I checked order {{field.order}}: the courier expects to deliver it on {{field.date}}. I'll keep you posted. {{agent.name}}"},
	{"en", "refund", "Refund issued", "Hi {{customer.first_name}}, I've issued the refund for order {{field.order}} ({{product}}): you'll see it on your payment method within {{field.days}} business days. {{agent.name}}"},
	{"en", "return", "Return label", "Hi {{customer.first_name}}, I've e-mailed you the return label for the {{product}}. Print it, stick it on the parcel and drop it at any collection point within 14 days."},
	{"en", "private", "Move to private", "Hi {{customer.first_name}}, we're very sorry about the {{product}}. We've sent you a private message so we can sort this out right away."},
	{"en", "thanks", "Thanks for the feedback", "Thank you {{customer.first_name}}! We're glad you like the {{product}}. Have a great day from {{account.name}}"},
	{"en", "damaged", "Item arrived damaged", "Hi {{customer.first_name}}, I'm sorry the {{product}} arrived damaged. Could you send me a photo of the box and the item? I'll arrange a replacement straight away."},
	{"en", "invoice", "Invoice request", "Hi {{customer.first_name}}, the invoice for order {{field.order}} is in your account under Orders. I'm also e-mailing you a copy."},
	{"en", "warranty", "Warranty and repairs", "Hi {{customer.first_name}}, the {{product}} has a 24-month warranty. To open a claim I need the order number and a short description of the problem."},
	{"en", "assembly", "Assembly instructions", "Hi {{customer.first_name}}, you'll find the assembly instructions for the {{product}} here: https://auroracasa.example/assembly. Let me know if anything is unclear!"},
	{"en", "held", "Parcel held at depot", "Hi {{customer.first_name}}, the parcel is held at the depot because nobody was home. We can reschedule the delivery: which day suits you best?"},
}

var templateProducts = map[string][]string{
	"it": {"divano", "tavolo", "lampada", "materasso", "tappeto", "sedia", "armadio", "cuscino", "piumone", "specchio", "libreria", "comodino"},
	"en": {"sofa", "table", "lamp", "mattress", "rug", "chair", "wardrobe", "cushion", "duvet", "mirror", "bookcase", "nightstand"},
}

var templateTones = map[string][]string{
	"it": {"breve", "formale", "cordiale", "VIP", "social", "e-mail", "weekend", "Black Friday"},
	"en": {"short", "formal", "friendly", "VIP", "social", "e-mail", "weekend", "Black Friday"},
}

// benchTemplates measures template search as the agent types a shortcut,
// over a library of n generated templates, through Library.Search.
func benchTemplates(n int) error {
	now := time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)
	st, err := store.Open("", store.Options{Now: func() time.Time { return now }, InMemory: true})
	if err != nil {
		return err
	}
	defer st.Close()
	lib, err := templates.Open(st, func() time.Time { return now })
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(5000, 4))
	for i := len(lib.All()); i < n; i++ {
		tp := templateTopics[rng.IntN(len(templateTopics))]
		prod := templateProducts[tp.lang][rng.IntN(len(templateProducts[tp.lang]))]
		tone := templateTones[tp.lang][rng.IntN(len(templateTones[tp.lang]))]
		t := templates.Template{
			Name:     fmt.Sprintf("%s – %s (%s)", tp.name, prod, tone),
			Shortcut: fmt.Sprintf("%s-%s-%d", tp.stem[:min(4, len(tp.stem))], prod[:3], i),
			Body:     tp.body,
			Lang:     tp.lang,
			Tags:     []string{tp.stem, prod},
			Fields:   []templates.Field{{Name: "order", Label: "Order", Required: true}, {Name: "date", Label: "Date"}, {Name: "days", Label: "Days"}},
		}
		if rng.IntN(4) == 0 {
			t.Variants = map[convo.Platform]string{convo.PlatformX: tp.body[:min(len(tp.body), 120)]}
		}
		saved, err := lib.Save(t)
		if err != nil {
			return fmt.Errorf("template %d: %w", i, err)
		}
		for range rng.IntN(4) * rng.IntN(4) {
			if err := lib.Used(saved.ID); err != nil {
				return err
			}
		}
	}
	// As an agent types: "/" then one letter more at a time, and words typed
	// without the slash; some with a language filter as the composer sends it.
	queries := []string{"/", "/r", "/ri", "/rim", "/rimb", "rimb", "/rit", "/ritardo", "ritardo cons", "delay", "/d", "/de", "/del",
		"refund", "perche", "garanz", "fatt", "sofa", "divano", "giacenza", "/thanks", "assembly", "montaggio", "etichetta reso", "xyzzy"}
	langs := []string{"", "it", "en"}
	// The garbage of building the library (and of whatever ran before) is
	// collected first: this measures the search, not the last stage's heap.
	runtime.GC()
	var ds []time.Duration
	for round := range 81 {
		for i, q := range queries {
			lang := langs[(round+i)%len(langs)]
			t0 := time.Now()
			hits := lib.Search(q, lang, 20)
			if round > 0 { // the first round warms up
				ds = append(ds, time.Since(t0))
			}
			if q == "/rimb" && lang != "en" && len(hits) == 0 {
				return fmt.Errorf("template search %q found nothing", q)
			}
		}
	}
	line("template_search_p50", ms(pct(ds, 0.5)), "ms")
	line("template_search_p99", ms(pct(ds, 0.99)), "ms")
	return nil
}
