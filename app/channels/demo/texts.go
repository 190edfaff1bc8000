package demo

// Customer and agent lines of the demo desk, in Italian and English.
// Each topic has an opening, follow-ups and agent replies.
type topic struct {
	tag      string
	open     []string
	follow   []string
	reply    []string
	subject  string // e-mail subject
	priority int    // 0 normal, 1 high
}

var topics = map[string][]topic{
	"it": {
		{tag: "consegna", subject: "Ordine in ritardo", open: []string{
			"Ciao, ho ordinato il 12 e il pacco non è ancora arrivato. Ordine #A{n} 📦",
			"Buongiorno, il tracking è fermo da tre giorni. Potete verificare l'ordine A{n}?",
			"Il corriere dice consegnato ma io non ho ricevuto niente!! Ordine A{n}",
		}, follow: []string{"Ci sono novità?", "Scusate, nessuno mi risponde?", "Mi serve entro venerdì, è un regalo 🎁", "Grazie, attendo notizie"},
			reply: []string{"Ciao {name}, ho controllato: il pacco è in consegna domani entro le 18.", "Mi scuso per l'attesa {name}, ho aperto una segnalazione al corriere e ti aggiorno entro oggi."}},
		{tag: "rimborso", subject: "Richiesta di rimborso", priority: 1, open: []string{
			"Ho restituito il reso due settimane fa e non ho ancora visto il rimborso.",
			"Vorrei il rimborso per la lampada arrivata rotta, ho le foto.",
			"Quando arriva il rimborso? Ordine A{n}, pagato con carta.",
		}, follow: []string{"Il rimborso non è ancora arrivato 😕", "Ho mandato le foto in privato", "Perché ci vuole così tanto?"},
			reply: []string{"Ciao {name}, il rimborso è stato disposto oggi: lo vedrai sulla carta in 3-5 giorni lavorativi.", "Grazie per le foto {name}, procediamo con il rimborso completo."}},
		{tag: "reclamo", subject: "Prodotto difettoso", priority: 1, open: []string{
			"Vergognoso, il divano è arrivato con una gamba rotta e nessuno risponde al telefono 😡",
			"Terza volta che scrivo, servizio clienti inesistente.",
			"Il frullatore si è rotto dopo una settimana. Pessima qualità.",
		}, follow: []string{"Sto ancora aspettando una risposta", "Se non mi rispondete lascio una recensione", "Ok, vi scrivo in privato"},
			reply: []string{"Ciao {name}, ci dispiace molto. Ti abbiamo scritto in privato per risolvere subito.", "{name}, ti chiedo scusa: organizziamo la sostituzione senza costi."}},
		{tag: "info", subject: "Informazioni prodotto", open: []string{
			"Il tavolo Rovere è disponibile anche in 180 cm?",
			"Che orari ha il negozio di Milano sabato?",
			"Il codice SCONTO10 non funziona sul carrello, come mai?",
			"Spedite anche in Svizzera? https://auroracasa.example/spedizioni",
		}, follow: []string{"E i tempi di consegna?", "Grazie mille!", "Perfetto 👍"},
			reply: []string{"Ciao {name}! Sì, il tavolo Rovere esiste anche da 180 cm, lo trovi qui: https://auroracasa.example/rovere", "Sabato siamo aperti dalle 10 alle 19.30 😊"}},
		{tag: "grazie", subject: "Grazie", open: []string{
			"Volevo solo dirvi grazie, il servizio è stato perfetto! ❤️",
			"Arrivato tutto, imballaggio impeccabile. Bravi!",
		}, follow: []string{"A presto!"}, reply: []string{"Grazie a te {name}, buona giornata! 🌞"}},
	},
	"en": {
		{tag: "delivery", subject: "Late order", open: []string{
			"Hi, my order #A{n} was due yesterday and still hasn't arrived 📦",
			"Tracking hasn't moved in 3 days, can you check order A{n}?",
			"The courier says delivered but I got nothing!! Order A{n}",
		}, follow: []string{"Any update?", "Hello? Anyone there?", "I need it by Friday, it's a gift 🎁", "Thanks, waiting to hear back"},
			reply: []string{"Hi {name}, I checked: your parcel is out for delivery tomorrow before 6pm.", "Sorry for the wait {name}, I've opened a claim with the courier and will update you today."}},
		{tag: "refund", subject: "Refund request", priority: 1, open: []string{
			"I returned the item two weeks ago and still no refund.",
			"I'd like a refund for the lamp that arrived broken, I have photos.",
			"When will my refund arrive? Order A{n}, paid by card.",
		}, follow: []string{"Still no refund 😕", "I sent the photos by DM", "Why is this taking so long?"},
			reply: []string{"Hi {name}, your refund was issued today: it shows on your card in 3-5 business days.", "Thanks for the photos {name}, we're refunding you in full."}},
		{tag: "complaint", subject: "Faulty product", priority: 1, open: []string{
			"Disgraceful, the sofa arrived with a broken leg and nobody answers the phone 😡",
			"Third time I'm writing, customer service doesn't exist.",
			"The blender broke after one week. Terrible quality.",
		}, follow: []string{"Still waiting for an answer", "If you don't reply I'm leaving a review", "OK, DMing you"},
			reply: []string{"Hi {name}, we're very sorry. We've sent you a private message to sort this out now.", "{name}, I apologise: we'll replace it at no cost."}},
		{tag: "info", subject: "Product question", open: []string{
			"Is the Oak table available in 180 cm?",
			"What are the Milan store's opening hours on Saturday?",
			"The code SAVE10 doesn't work at checkout, why?",
			"Do you ship to Switzerland? https://auroracasa.example/shipping",
		}, follow: []string{"And the delivery time?", "Thanks a lot!", "Perfect 👍"},
			reply: []string{"Hi {name}! Yes, the Oak table comes in 180 cm too: https://auroracasa.example/oak", "On Saturday we're open 10am to 7:30pm 😊"}},
		{tag: "thanks", subject: "Thank you", open: []string{
			"Just wanted to say thanks, the service was perfect! ❤️",
			"Everything arrived, packaging was spotless. Well done!",
		}, follow: []string{"See you!"}, reply: []string{"Thank you {name}, have a great day! 🌞"}},
	},
}

var firstNames = map[string][]string{
	"it": {"Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Sara", "Matteo", "Valentina", "Davide", "Elena", "Andrea", "Martina", "Simone", "Federica", "Lorenzo", "Silvia", "Paolo", "Anna", "Giorgio"},
	"en": {"Emma", "James", "Olivia", "Jack", "Sophie", "Harry", "Amelia", "George", "Isla", "Noah", "Grace", "Oliver", "Chloe", "Leo", "Mia"},
}

var lastNames = map[string][]string{
	"it": {"Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti", "Esposito"},
	"en": {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Walker", "Wright", "Thompson", "Evans", "Hughes", "O'Brien"},
}

var emailBody = map[string]string{
	"it": "\n\nCordiali saluti,\n{full}\n\n-- \nInviato dal mio telefono\n\n> Il giorno %s Aurora Casa ha scritto:\n> Gentile cliente, grazie per il tuo ordine.",
	"en": "\n\nKind regards,\n{full}\n\n-- \nSent from my phone\n\n> On %s Aurora Casa wrote:\n> Dear customer, thank you for your order.",
}
