package templates

import "sportello/app/convo"

// Starter is the set a new desk begins with: common care situations in
// Italian and English, each with a blank the agent fills to make it personal.
// Their IDs are the same on every desk, so an export of one desk imports into
// another by replacing its starter templates, not colliding with their shortcuts.
func Starter() []Template {
	order := []Field{{Name: "order", Label: "Order number / Numero d'ordine", Required: true}}
	date := []Field{{Name: "date", Label: "Delivery date / Data di consegna", Required: true}}
	days := []Field{{Name: "days", Label: "Working days / Giorni lavorativi", Required: true}}
	return []Template{
		{ID: "t_starter_ritardo", Name: "Ritardo consegna", Shortcut: "ritardo", Lang: "it", Tags: []string{"consegna"}, Fields: append(order, date...),
			Body: "Ciao {{customer.first_name}}, mi dispiace per l'attesa. Ho controllato l'ordine {{field.order}}: il corriere prevede la consegna il {{field.date}}. Ti tengo aggiornato io. {{agent.name}}"},
		{ID: "t_starter_delay", Name: "Delivery delay", Shortcut: "delay", Lang: "en", Tags: []string{"delivery"}, Fields: append(order, date...),
			Body: "Hi {{customer.first_name}}, I'm sorry for the wait. I checked order {{field.order}}: the courier expects to deliver it on {{field.date}}. I'll keep you posted. {{agent.name}}"},
		{ID: "t_starter_rimborso", Name: "Rimborso disposto", Shortcut: "rimborso", Lang: "it", Tags: []string{"rimborso"}, Fields: append(order, days...),
			Body: "Ciao {{customer.first_name}}, ho disposto il rimborso dell'ordine {{field.order}}: lo vedrai sul tuo metodo di pagamento entro {{field.days}} giorni lavorativi. {{agent.name}}"},
		{ID: "t_starter_refund", Name: "Refund issued", Shortcut: "refund", Lang: "en", Tags: []string{"refund"}, Fields: append(order, days...),
			Body: "Hi {{customer.first_name}}, I've issued the refund for order {{field.order}}: you'll see it on your payment method within {{field.days}} business days. {{agent.name}}"},
		{ID: "t_starter_privato", Name: "Passiamo in privato", Shortcut: "privato", Lang: "it", Tags: []string{"pubblico"},
			Body:     "Ciao {{customer.first_name}}, ci dispiace molto. Ti abbiamo scritto in privato per risolvere subito insieme.",
			Variants: map[convo.Platform]string{convo.PlatformX: "Ciao {{customer.first_name}}, ci dispiace! Ti abbiamo scritto in DM per risolvere subito."}},
		{ID: "t_starter_private", Name: "Move to private", Shortcut: "private", Lang: "en", Tags: []string{"public"},
			Body:     "Hi {{customer.first_name}}, we're very sorry. We've sent you a private message so we can sort this out right away.",
			Variants: map[convo.Platform]string{convo.PlatformX: "Hi {{customer.first_name}}, so sorry! We've sent you a DM to sort this out now."}},
		{ID: "t_starter_grazie", Name: "Grazie", Shortcut: "grazie", Lang: "it", Tags: []string{"grazie"},
			Body: "Grazie a te {{customer.first_name}}! Siamo felici che sia andato tutto bene. Buona giornata da {{account.name}} 🌞"},
		{ID: "t_starter_thanks", Name: "Thanks", Shortcut: "thanks", Lang: "en", Tags: []string{"thanks"},
			Body: "Thank you {{customer.first_name}}! We're glad everything went well. Have a great day from {{account.name}} 🌞"},
	}
}
