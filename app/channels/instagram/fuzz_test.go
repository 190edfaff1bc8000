package instagram

import (
	"encoding/json"
	"strings"
	"testing"

	"sportello/app/channels/graph"
	"sportello/app/convo"
)

// FuzzItems decodes a media with its comments and replies as
// GET /{media}?fields=…comments{…,replies{…}} returns it (platforms.md section 4).
func FuzzItems(f *testing.F) {
	f.Add(`{"id":"17900001","caption":"Il nuovo divano","comments":{"data":[
		{"id":"17850001","text":"Quanto costa?","timestamp":"2024-01-15T10:30:00+0000","username":"giulia.rossi","from":{"id":"9100001","username":"giulia.rossi"},"hidden":false,
		 "replies":{"data":[{"id":"17850002","text":"Ti scriviamo in DM","timestamp":"2024-01-15T10:31:00+0000","username":"auroracasa","from":{"id":"1784","username":"auroracasa"},"parent_id":"17850001"}]}}],
		"paging":{"cursors":{"after":"QVFI"},"next":"https://graph.instagram.com/v23.0/17900001/comments?after=QVFI"}}}`)
	// The webhook's comments change (platforms.md §4): id, text, from, media, parent_id.
	f.Add(`{"id":"17900002","comments":{"data":[{"id":"17850003","text":"Bello!","from":{"id":"9100002","username":"marco"},"media":{"id":"17900002","media_product_type":"FEED"},"timestamp":1705314600}]}}`)
	f.Add(`{"comments":{"data":[{"id":"17850004","text":"solo username","timestamp":"2024-01-15T10:30:00+0000","username":"anna"},{"id":"17850005","timestamp":"2024-01-15T10:30:00+0000","parent_id":"17850004"}]}}`)
	f.Add(`{"comments":{"data":[{"id":"1","timestamp":"2024-01-15T10:30:00+0000","from":{"id":"1784"},"replies":{"data":[{"id":"2","timestamp":"2024-01-15T10:30:00+0000","from":{"id":"9"}}]}}]}}`)
	f.Fuzz(func(t *testing.T, body string) {
		var m Media
		if json.Unmarshal([]byte(body), &m) != nil {
			return
		}
		for _, it := range Items(m, "1784", graph.Window{Since: 0, Top: 1 << 40}) {
			msg := it.Message
			if msg.PlatformID == "" || !strings.HasPrefix(it.ThreadID, threadPrefix) || it.Customer.Handle == "" || msg.At.IsZero() {
				t.Errorf("incomplete item %+v", it)
			}
			if it.Kind != convo.KindComment || !it.Public {
				t.Errorf("item %s kind %s public %v", msg.PlatformID, it.Kind, it.Public)
			}
			if it.Customer.Handle == "1784" {
				t.Errorf("the account itself became the customer of %s", it.ThreadID)
			}
		}
	})
}
