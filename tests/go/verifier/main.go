// Command verifier checks an aftersales evidence log from the outside, over its HTTP API, with
// Go's own golang.org/x/mod/sumdb/note and sumdb/tlog and no code from the platform.
//
// It opens every published checkpoint with the log's public key, proves every entry into the
// latest checkpoint, proves each checkpoint consistent with the one before, and checks
// receipts (c2sp.org/tlog-proof texts) saved from the API. Any failure exits with status 1.
//
// Build offline in GOPATH mode against Debian's golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o verifier ./tests/go/verifier
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var (
	api      = flag.String("api", "", "base URL of the API, e.g. http://127.0.0.1:8000/api/v1")
	token    = flag.String("token", "", "an auditor's bearer token")
	vkey     = flag.String("vkey", "", "the log's verifier key")
	receipts = flag.String("receipts", "", "a JSON file of receipts from GET /cases/{id}/receipts")
	verifier note.Verifiers
	origin   string
)

type checkpoint struct {
	size int64
	root tlog.Hash
}

func main() {
	flag.Parse()
	v, err := note.NewVerifier(*vkey)
	check(err, "verifier key")
	verifier, origin = note.VerifierList(v), v.Name()

	var trees []checkpoint
	for after := int64(-1); ; {
		var page struct {
			Items     []struct{ Note string }
			NextAfter *int64 `json:"next_after"`
		}
		getJSON(fmt.Sprintf("/ledger/checkpoints?after=%d", after), &page)
		for _, item := range page.Items {
			trees = append(trees, open(item.Note))
		}
		if page.NextAfter == nil {
			break
		}
		after = *page.NextAfter
	}
	latest := open(string(get("/ledger/checkpoint")))
	if len(trees) == 0 || trees[len(trees)-1] != latest {
		fail("GET /ledger/checkpoint is not the last published checkpoint")
	}

	for i := int64(0); i < latest.size; i++ {
		var entry struct{ Entry []byte }
		getJSON(fmt.Sprintf("/ledger/entries/%d", i), &entry)
		proof := inclusion(i, latest.size)
		leaf := tlog.RecordHash(entry.Entry)
		check(tlog.CheckRecord(proof, latest.size, latest.root, i, leaf), "inclusion proof")
		if i == 0 && len(proof) > 0 { // a control: a tampered proof must not pass
			proof[0][0] ^= 1
			if tlog.CheckRecord(proof, latest.size, latest.root, i, leaf) == nil {
				fail("a tampered inclusion proof passed")
			}
		}
	}

	consistent := 0
	for k := 1; k < len(trees); k++ {
		before, after := trees[k-1], trees[k]
		if before.size == 0 {
			continue // the empty tree is a prefix of every tree; there is no proof to check
		}
		var body struct{ Proof []tlog.Hash }
		getJSON(fmt.Sprintf("/ledger/proof/consistency?old=%d&new=%d", before.size, after.size), &body)
		check(tlog.CheckTree(body.Proof, after.size, after.root, before.size, before.root), "consistency")
		consistent++
	}

	checked := checkReceipts()
	fmt.Printf("OK checkpoints=%d inclusion=%d consistency=%d receipts=%d\n",
		len(trees), latest.size, consistent, checked)
}

// checkReceipts verifies each saved receipt from its entry bytes and tlog-proof text alone.
func checkReceipts() int {
	if *receipts == "" {
		return 0
	}
	data, err := os.ReadFile(*receipts)
	check(err, "receipts file")
	var list []struct {
		Entry     []byte
		TlogProof string `json:"tlog_proof"`
	}
	check(json.Unmarshal(data, &list), "receipts JSON")
	for _, r := range list {
		head, signed, ok := strings.Cut(r.TlogProof, "\n\n")
		lines := strings.Split(head, "\n")
		if !ok || len(lines) < 2 || lines[0] != "c2sp.org/tlog-proof@v1" {
			fail("malformed tlog-proof")
		}
		index, err := strconv.ParseInt(strings.TrimPrefix(lines[1], "index "), 10, 64)
		check(err, "tlog-proof index")
		var proof tlog.RecordProof
		for _, line := range lines[2:] {
			h, err := tlog.ParseHash(line)
			check(err, "tlog-proof hash")
			proof = append(proof, h)
		}
		tree := open(signed)
		check(tlog.CheckRecord(proof, tree.size, tree.root, index, tlog.RecordHash(r.Entry)), "receipt")
	}
	return len(list)
}

// open verifies a signed checkpoint and returns its tree. tlog.ParseTree wants Go's own
// "go.sum database tree" header, so the C2SP body (origin, size, root) is read here.
func open(text string) checkpoint {
	n, err := note.Open([]byte(text), verifier)
	check(err, "checkpoint signature")
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 || lines[0] != origin {
		fail("checkpoint is not for origin " + origin)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	check(err, "checkpoint size")
	root, err := tlog.ParseHash(lines[2])
	check(err, "checkpoint root")
	return checkpoint{size, root}
}

func inclusion(index, size int64) tlog.RecordProof {
	var body struct{ Proof []tlog.Hash }
	getJSON(fmt.Sprintf("/ledger/proof/inclusion?index=%d&size=%d", index, size), &body)
	return body.Proof
}

func getJSON(path string, into any) {
	check(json.NewDecoder(bytes.NewReader(get(path))).Decode(into), "JSON from "+path)
}

func get(path string) []byte {
	req, err := http.NewRequest("GET", *api+path, nil)
	check(err, path)
	req.Header.Set("Authorization", "Bearer "+*token)
	resp, err := http.DefaultClient.Do(req)
	check(err, path)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	check(err, path)
	if resp.StatusCode != http.StatusOK {
		fail(fmt.Sprintf("GET %s: %s %s", path, resp.Status, body))
	}
	return body
}

func check(err error, what string) {
	if err != nil {
		fail(what + ": " + err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "verifier: FAIL:", message)
	os.Exit(1)
}
