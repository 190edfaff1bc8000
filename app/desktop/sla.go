package desktop

import (
	"sportello/app/notify"
	"sportello/app/sla"
)

// Deadline is one clock of a conversation as the UI shows it.
type Deadline struct {
	Key    string `json:"key"`    // first_response, next_response, resolution, reply_window, human_agent, private_reply
	Window bool   `json:"window"` // a platform rule rather than an SLA target
	State  string `json:"state"`  // running, paused, met, breached
	Start  int64  `json:"start"`
	Warn   int64  `json:"warn"`
	Due    int64  `json:"due"`
	Done   int64  `json:"done"`
	Target int64  `json:"targetMinutes"`
}

// ReplyRule says what can be sent now and until when.
type ReplyRule struct {
	Mode              string `json:"mode"` // free, tagged, template, closed
	Until             int64  `json:"until"`
	PrivateReplyUntil int64  `json:"privateReplyUntil"`
}

// Notice is an entry of the in-app notification list.
type Notice struct {
	ID      string   `json:"id"`
	At      int64    `json:"at"`
	Level   string   `json:"level"` // warning, breach
	Title   string   `json:"title"`
	Body    string   `json:"body"`
	ConvIDs []string `json:"convIds"`
	OS      string   `json:"os"` // shown, silenced, failed: …
	Read    bool     `json:"read"`
}

func toNotice(n notify.Notice) Notice {
	ids := n.ConvIDs
	if ids == nil {
		ids = []string{}
	}
	return Notice{ID: n.ID, At: ms(n.At), Level: n.Level, Title: n.Title, Body: n.Body, ConvIDs: ids, OS: n.OS, Read: n.Read}
}

func toDeadlines(ds []sla.Deadline) []Deadline {
	out := make([]Deadline, 0, len(ds))
	for _, d := range ds {
		out = append(out, Deadline{Key: string(d.Key), Window: d.Window, State: string(d.State), Start: ms(d.Start), Warn: ms(d.Warn),
			Due: ms(d.Due), Done: ms(d.Done), Target: int64(d.Target.Minutes())})
	}
	return out
}

func toReply(r sla.Reply) ReplyRule {
	return ReplyRule{Mode: string(r.Mode), Until: ms(r.Until), PrivateReplyUntil: ms(r.PrivateReplyUntil)}
}
