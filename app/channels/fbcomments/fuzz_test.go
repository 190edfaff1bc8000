package fbcomments

import (
	"encoding/json"
	"testing"

	"sportello/app/channels/graph"
	"sportello/app/convo"
)

// FuzzItems decodes a post with its comments as GET /{post}?fields=…comments.filter(stream){…}
// returns it (platforms.md section 3) and turns it into items.
func FuzzItems(f *testing.F) {
	f.Add(`{"id":"1000_5001","message":"Nuova collezione","comments":{"data":[
		{"id":"5001_7003","message":"Ci dispiace, scriviamo in privato","created_time":"2024-01-15T10:32:00+0000","from":{"id":"1000","name":"Aurora Casa"},"parent":{"id":"5001_7001","from":{"id":"3100001","name":"Giulia Rossi"}}},
		{"id":"5001_7002","message":"Anche a me","created_time":"2024-01-15T10:31:00+0000","from":{"id":"3100002","name":"Marco Bianchi"},"parent":{"id":"5001_7001"}},
		{"id":"5001_7001","message":"Il divano è arrivato rotto!","created_time":"2024-01-15T10:30:00+0000","from":{"id":"3100001","name":"Giulia Rossi"},
		 "attachment":{"type":"photo","url":"https://www.facebook.com/photo.php?fbid=1","media":{"image":{"src":"https://scontent.example/1.jpg","height":720,"width":720}}}}],
		"paging":{"cursors":{"before":"WTI5","after":"WTI6"},"next":"https://graph.facebook.com/v23.0/1000_5001/comments?after=WTI6"}}}`)
	// The webhook's feed change (platforms.md §3), decoded as a comment: unknown fields are ignored.
	f.Add(`{"id":"1000_5002","comments":{"data":[{"item":"comment","verb":"add","comment_id":"5002_1","post_id":"1000_5002","parent_id":"1000_5002","from":{"id":"3100003","name":"Anna"},"message":"Ciao","created_time":1705314600}]}}`)
	f.Add(`{"id":"1000_5003","comments":{"data":[{"id":"5003_1","message":"senza autore","created_time":"2024-01-15T10:30:00+0000"},{"id":"5003_2","created_time":"2024-01-15T10:30:00+0000","from":{"id":"1000"}}]}}`)
	f.Add(`{"comments":{"data":[{"id":"x","created_time":"2024-01-15T10:30:00+0000","from":{"id":"1000"},"parent":{"id":""}}]}}`)
	f.Fuzz(func(t *testing.T, body string) {
		var p Post
		if json.Unmarshal([]byte(body), &p) != nil {
			return
		}
		for _, it := range Items(p, "1000", graph.Window{Since: 0, Top: 1 << 40}) {
			m := it.Message
			if m.PlatformID == "" || it.ThreadID == "" || it.Customer.Handle == "" || !it.Customer.Platform.Valid() || m.At.IsZero() {
				t.Errorf("incomplete item %+v", it)
			}
			if it.Kind != convo.KindComment || !it.Public {
				t.Errorf("item %s kind %s public %v", m.PlatformID, it.Kind, it.Public)
			}
			if m.Direction == convo.DirOut && it.ThreadID == m.PlatformID {
				t.Errorf("the Page's own top-level comment %s became a conversation", m.PlatformID)
			}
		}
	})
}
