package desktop

// Types sent to and from the UI. Times are Unix milliseconds (0 = none) so the
// frontend never parses dates; the UI shows them in the agent's local time.

// Row is one line of the queue: everything the list shows.
type Row struct {
	ID           string   `json:"id"`
	Platform     string   `json:"platform"`
	AccountID    string   `json:"accountId"`
	AccountName  string   `json:"accountName"`
	Kind         string   `json:"kind"` // dm, comment, mention, email
	Public       bool     `json:"public"`
	Status       string   `json:"status"` // open, pending, snoozed, resolved
	Priority     int      `json:"priority"`
	Assignee     string   `json:"assignee"`
	Tags         []string `json:"tags"`
	CustomerID   string   `json:"customerId"`
	CustomerName string   `json:"customerName"`
	Subject      string   `json:"subject"`
	Preview      string   `json:"preview"`
	LastAt       int64    `json:"lastAt"`
	DueAt        int64    `json:"dueAt"`
	DueStart     int64    `json:"dueStart"` // when the clock of dueAt started (for "how much time is left")
	SnoozeUntil  int64    `json:"snoozeUntil"`
	Awaiting     bool     `json:"awaiting"` // the customer is waiting for a reply
	// LinkedID links a public comment and the private conversation its
	// private reply opened, both ways ("" when none).
	LinkedID string `json:"linkedId"`
}

// Filter narrows the queue. Empty fields match everything.
type Filter struct {
	Platform   string `json:"platform"`
	AccountID  string `json:"accountId"`
	Status     string `json:"status"`     // "" means the open queue (open + pending); or open, pending, snoozed, resolved, all
	Visibility string `json:"visibility"` // "", public, private
	Assignee   string `json:"assignee"`   // "", mine, unassigned
	Tag        string `json:"tag"`
	Search     string `json:"search"` // customer names and message text
}

// Count is one facet value and how many conversations have it under the other filters.
type Count struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Counts are the facet counts shown next to each filter.
type Counts struct {
	Platform   []Count `json:"platform"`
	Account    []Count `json:"account"`
	Status     []Count `json:"status"`
	Visibility []Count `json:"visibility"`
	Assignee   []Count `json:"assignee"` // values: mine, unassigned
	Tag        []Count `json:"tag"`
}

// Page is a window of the filtered queue.
type Page struct {
	Rows   []Row  `json:"rows"`
	Total  int    `json:"total"`
	Offset int    `json:"offset"`
	Counts Counts `json:"counts"`
}

// Attachment is a file's metadata.
type Attachment struct {
	Type string `json:"type"`
	Name string `json:"name"`
	Size int64  `json:"size"`
}

// Message is one message of a thread.
type Message struct {
	ID          string       `json:"id"`
	Direction   string       `json:"direction"` // in, out, note
	Author      string       `json:"author"`
	Text        string       `json:"text"` // plain text: the UI renders it as text, never as HTML
	At          int64        `json:"at"`
	Attachments []Attachment `json:"attachments"`
}

// Identity is a customer's handle on one platform.
type Identity struct {
	Platform    string `json:"platform"`
	Handle      string `json:"handle"`
	DisplayName string `json:"displayName"`
}

// Customer is the customer card: identities and every conversation on any channel.
type Customer struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	Language      string     `json:"language"`
	Identities    []Identity `json:"identities"`
	Conversations []Row      `json:"conversations"`
}

// Thread is an opened conversation.
type Thread struct {
	Conversation Row       `json:"conversation"`
	Messages     []Message `json:"messages"`
	Customer     Customer  `json:"customer"`
	// Deadlines are every SLA metric and platform window with its state.
	Deadlines []Deadline `json:"deadlines"`
	// Reply says what the platform lets the agent send now.
	Reply ReplyRule `json:"reply"`
}

// AccountStatus is the sync state of one account.
type AccountStatus struct {
	ID       string `json:"id"`
	Platform string `json:"platform"`
	Name     string `json:"name"`
	Demo     bool   `json:"demo"`
	State    string `json:"state"` // syncing, online, offline, rate-limited, needs-login, paused
	Error    string `json:"error"`
	LastSync int64  `json:"lastSync"`
}

// Status is the app's overall state for the header and banners.
type Status struct {
	Version  string          `json:"version"`
	DataDir  string          `json:"dataDir"`
	Demo     bool            `json:"demo"`
	DiskLow  bool            `json:"diskLow"`
	DiskFree int64           `json:"diskFree"`
	Accounts []AccountStatus `json:"accounts"`
}

// Settings are the agent's preferences.
type Settings struct {
	Language  string `json:"language"` // auto, it, en
	OSLocale  string `json:"osLocale"` // e.g. it-IT, detected from the OS
	AgentName string `json:"agentName"`
	Theme     string `json:"theme"` // auto, light, dark
}
