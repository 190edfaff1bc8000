package notify

import "sportello/app/sla"

type lang struct {
	keys                             map[sla.Key]string
	warnTitle, warnBody              string
	windowWarnTitle                  string
	windowWarnBody                   map[sla.Key]string
	breachTitle, breachBody          string
	windowClosedTitle                string
	windowClosedBody                 map[sla.Key]string
	manyBreachedTitle, manyWarnTitle string
	manyMixedTitle, manyBody         string
	// many alerts of a single conversation
	oneBreachedTitle, oneWarnTitle, oneMixedTitle string
}

var texts = map[string]*lang{
	"en": {
		keys: map[sla.Key]string{sla.KeyFirstResponse: "first response", sla.KeyNextResponse: "next response", sla.KeyResolution: "resolution",
			sla.KeyReplyWindow: "reply window", sla.KeyHumanAgent: "human-agent window", sla.KeyPrivateReply: "private reply"},
		warnTitle:       "%s · %s",
		warnBody:        "%s due in %s (at %s)",
		windowWarnTitle: "%s reply window closes in %s",
		windowWarnBody: map[sla.Key]string{
			sla.KeyReplyWindow:  "%s: after %s only tagged or template replies are allowed",
			sla.KeyHumanAgent:   "%s: after %s nothing more can be sent",
			sla.KeyPrivateReply: "%s: the private reply to this comment is possible until %s",
		},
		breachTitle:       "SLA breached · %s",
		breachBody:        "%s: %s overdue since %s",
		windowClosedTitle: "%s reply window closed",
		windowClosedBody: map[sla.Key]string{
			sla.KeyReplyWindow:  "%s: the 24-hour window closed at %s unanswered",
			sla.KeyHumanAgent:   "%s: the 7-day window closed at %s; nothing more can be sent",
			sla.KeyPrivateReply: "%s: the private reply expired at %s",
		},
		manyBreachedTitle: "%d conversations breached",
		manyWarnTitle:     "%d conversations due soon",
		manyMixedTitle:    "%d conversations need attention",
		manyBody:          "%d breached, %d due soon: %s",
		oneBreachedTitle:  "1 conversation breached",
		oneWarnTitle:      "1 conversation due soon",
		oneMixedTitle:     "1 conversation needs attention",
	},
	"it": {
		keys: map[sla.Key]string{sla.KeyFirstResponse: "prima risposta", sla.KeyNextResponse: "risposta successiva", sla.KeyResolution: "risoluzione",
			sla.KeyReplyWindow: "finestra di risposta", sla.KeyHumanAgent: "finestra operatore umano", sla.KeyPrivateReply: "risposta privata"},
		warnTitle:       "%s · %s",
		warnBody:        "%s entro %s (alle %s)",
		windowWarnTitle: "%s: la finestra di risposta si chiude tra %s",
		windowWarnBody: map[sla.Key]string{
			sla.KeyReplyWindow:  "%s: dopo le %s solo risposte con tag o modelli approvati",
			sla.KeyHumanAgent:   "%s: dopo le %s non si potrà più inviare nulla",
			sla.KeyPrivateReply: "%s: la risposta privata al commento è possibile fino alle %s",
		},
		breachTitle:       "SLA superato · %s",
		breachBody:        "%s: %s scaduta dalle %s",
		windowClosedTitle: "%s: finestra di risposta chiusa",
		windowClosedBody: map[sla.Key]string{
			sla.KeyReplyWindow:  "%s: la finestra di 24 ore si è chiusa alle %s senza risposta",
			sla.KeyHumanAgent:   "%s: la finestra di 7 giorni si è chiusa alle %s; non si può più inviare nulla",
			sla.KeyPrivateReply: "%s: la risposta privata è scaduta alle %s",
		},
		manyBreachedTitle: "%d conversazioni oltre la scadenza",
		manyWarnTitle:     "%d conversazioni in scadenza",
		manyMixedTitle:    "%d conversazioni richiedono attenzione",
		manyBody:          "%d scadute, %d in scadenza: %s",
		oneBreachedTitle:  "1 conversazione oltre la scadenza",
		oneWarnTitle:      "1 conversazione in scadenza",
		oneMixedTitle:     "1 conversazione richiede attenzione",
	},
}
