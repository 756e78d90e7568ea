// Update taskProcessingResult (Microsoft Graph beta, Lifecycle Workflows) with Go's net/http.
//
// Written from docs/CONTRACT.md with the standard library only, the way its documentation
// suggests: an http.ServeMux, encoding/json's Decoder with DisallowUnknownFields,
// http.MaxBytesReader for the size limit, time.RFC3339Nano for timestamps, an in-memory map
// behind a sync.Mutex.
//
//	tpr-go-http -port 8080 -token secret [-read-only-token ro] -fixtures fixtures.json
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"log"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

const odataType = "#microsoft.graph.identityGovernance.taskProcessingResult"
const maxBodyBytes = 4 << 20

var known = map[string]bool{"queued": true, "inProgress": true, "completed": true, "completedWithErrors": true,
	"canceled": true, "failed": true}
var afterSentinel = map[string]bool{"canceling": true, "quarantined": true}

type result struct {
	ID, Workflow, Run, User, Task string
	Created                       time.Time
	Status                        string
	Started, Completed            *time.Time
	FailureReason                 *string
}

type server struct {
	mu             sync.Mutex
	results        map[string]*result
	token, roToken string
}

// patchBody holds the members a PATCH may carry; RawMessage tells a null from a missing member.
type patchBody struct {
	ODataType         json.RawMessage `json:"@odata.type"`
	ID                json.RawMessage `json:"id"`
	CreatedDateTime   json.RawMessage `json:"createdDateTime"`
	ProcessingStatus  json.RawMessage `json:"processingStatus"`
	StartedDateTime   json.RawMessage `json:"startedDateTime"`
	CompletedDateTime json.RawMessage `json:"completedDateTime"`
	FailureReason     json.RawMessage `json:"failureReason"`
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="graph"`)
	}
	writeJSON(w, status, map[string]interface{}{"error": map[string]string{"code": code, "message": message}})
}

// wantsUnknownMembers reads the Prefer headers (RFC 7240) for include-unknown-enum-members.
func wantsUnknownMembers(r *http.Request) bool {
	for _, header := range r.Header.Values("Prefer") {
		for _, pref := range strings.Split(header, ",") {
			name, _, _ := strings.Cut(pref, ";")
			if strings.EqualFold(strings.TrimSpace(name), "include-unknown-enum-members") {
				return true
			}
		}
	}
	return false
}

func formatTime(t *time.Time) interface{} {
	if t == nil {
		return nil
	}
	return t.Format(time.RFC3339Nano)
}

func render(res *result, unknownMembers bool) map[string]interface{} {
	status := res.Status
	if afterSentinel[status] && !unknownMembers {
		status = "unknownFutureValue"
	}
	var reason interface{}
	if res.FailureReason != nil {
		reason = *res.FailureReason
	}
	return map[string]interface{}{
		"@odata.type": odataType, "id": res.ID, "createdDateTime": res.Created.Format(time.RFC3339Nano),
		"processingStatus": status, "startedDateTime": formatTime(res.Started),
		"completedDateTime": formatTime(res.Completed), "failureReason": reason,
	}
}

// route splits the path into ids: w, r, u, t and, on the via-task route, t0. ok is false when the
// path is not one of the two routes.
func route(path string) (ids map[string]string, ok bool) {
	path = strings.TrimSuffix(strings.TrimPrefix(path, "/beta/"), "/")
	parts := strings.Split(path, "/")
	names := []string{"identityGovernance", "lifecycleWorkflows", "deletedItems", "workflows", "", "runs", "",
		"userProcessingResults", "", "taskProcessingResults", ""}
	if len(parts) == 14 {
		names = append(names, "task", "taskProcessingResults", "")
	} else if len(parts) != 11 {
		return nil, false
	}
	for i, name := range names {
		if name != "" && parts[i] != name || parts[i] == "" {
			return nil, false
		}
	}
	ids = map[string]string{"w": parts[4], "r": parts[6], "u": parts[8], "t": parts[10]}
	if len(parts) == 14 {
		ids["t0"], ids["t"] = parts[10], parts[13]
	}
	return ids, true
}

// lookup finds the addressed result: {t} under {w}/{r}/{u}, or on the via-task route {t0} there
// and {t} a result of the same task in the same workflow.
func (s *server) lookup(ids map[string]string) *result {
	t0, via := ids["t0"]
	if !via {
		t0 = ids["t"]
	}
	first, res := s.results[t0], s.results[ids["t"]]
	if first == nil || first.Workflow != ids["w"] || first.Run != ids["r"] || first.User != ids["u"] ||
		res == nil || res.Task != first.Task || res.Workflow != first.Workflow {
		return nil
	}
	return res
}

// parseTime reads a JSON string holding an RFC 3339 timestamp (nil for a missing member or null).
func parseTime(raw json.RawMessage) (*time.Time, bool) {
	var s *string
	if raw == nil || json.Unmarshal(raw, &s) != nil || s == nil {
		return nil, false
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	return &t, err == nil
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	canWrite := token == s.token
	if !strings.EqualFold(scheme, "Bearer") || token == "" || !canWrite && (s.roToken == "" || token != s.roToken) {
		writeError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is missing or invalid.")
		return
	}
	ids, ok := route(r.URL.Path)
	if !ok {
		writeError(w, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+r.URL.Path+"'.")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPatch {
		w.Header().Set("Allow", "GET, PATCH")
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The HTTP method '"+r.Method+"' is not allowed.")
		return
	}
	unknownMembers := wantsUnknownMembers(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method == http.MethodPatch {
		if status, code, msg := s.patch(w, r, ids, canWrite, unknownMembers); status != 0 {
			writeError(w, status, code, msg)
			return
		}
	}
	res := s.lookup(ids)
	if res == nil {
		writeError(w, http.StatusNotFound, "ResourceNotFound", "The taskProcessingResult was not found.")
		return
	}
	if unknownMembers {
		w.Header().Set("Preference-Applied", "include-unknown-enum-members")
	}
	writeJSON(w, http.StatusOK, render(res, unknownMembers))
}

// patch validates and applies a PATCH; a non-zero status is the error to answer.
func (s *server) patch(w http.ResponseWriter, r *http.Request, ids map[string]string, canWrite, unknownMembers bool) (int, string, string) {
	if !canWrite {
		return http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
	}
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" || params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8") {
		return http.StatusUnsupportedMediaType, "UnsupportedMediaType", "Content-Type must be application/json."
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	var body patchBody
	if err := dec.Decode(&body); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The request body is too large."
		}
		return http.StatusBadRequest, "BadRequest", "Invalid request body: " + err.Error()
	}
	isNull := func(raw json.RawMessage) bool { return string(raw) == "null" }
	bad := func(msg string) (int, string, string) { return http.StatusBadRequest, "BadRequest", msg }
	var str string
	if body.ODataType != nil && (json.Unmarshal(body.ODataType, &str) != nil || str != odataType && "#"+str != odataType) {
		return bad("@odata.type must be " + odataType)
	}
	if body.ID != nil && (json.Unmarshal(body.ID, &str) != nil || str != ids["t"]) {
		return bad("The id of an entity cannot be changed.")
	}
	created, ok := parseTime(body.CreatedDateTime)
	if body.CreatedDateTime != nil && (isNull(body.CreatedDateTime) || !ok) {
		return bad("createdDateTime must be a DateTimeOffset.")
	}
	started, ok := parseTime(body.StartedDateTime)
	if body.StartedDateTime != nil && !isNull(body.StartedDateTime) && !ok {
		return bad("startedDateTime must be a DateTimeOffset or null.")
	}
	completed, ok := parseTime(body.CompletedDateTime)
	if body.CompletedDateTime != nil && !isNull(body.CompletedDateTime) && !ok {
		return bad("completedDateTime must be a DateTimeOffset or null.")
	}
	var status, reason *string
	if body.ProcessingStatus != nil {
		var v string
		if isNull(body.ProcessingStatus) || json.Unmarshal(body.ProcessingStatus, &v) != nil ||
			!known[v] && v != "unknownFutureValue" && !(unknownMembers && afterSentinel[v]) {
			return bad("processingStatus is not a valid lifecycleWorkflowProcessingStatus.")
		}
		if v != "unknownFutureValue" { // unknownFutureValue leaves it as it is
			status = &v
		}
	}
	if body.FailureReason != nil && !isNull(body.FailureReason) {
		reason = new(string)
		if json.Unmarshal(body.FailureReason, reason) != nil {
			return bad("failureReason must be a string or null.")
		}
	}
	res := s.lookup(ids)
	if res == nil {
		return http.StatusNotFound, "ResourceNotFound", "The taskProcessingResult was not found."
	}
	if created != nil {
		res.Created = *created
	}
	if status != nil {
		res.Status = *status
	}
	if body.StartedDateTime != nil {
		res.Started = started
	}
	if body.CompletedDateTime != nil {
		res.Completed = completed
	}
	if body.FailureReason != nil {
		res.FailureReason = reason
	}
	return 0, "", ""
}

func load(path string) map[string]*result {
	var fixture struct {
		Workflows []struct {
			ID   string
			Runs []struct {
				ID    string
				Users []struct {
					ID      string
					Results []struct {
						ID, TaskID, ProcessingStatus                        string
						CreatedDateTime, StartedDateTime, CompletedDateTime json.RawMessage
						FailureReason                                       *string
					} `json:"taskProcessingResults"`
				} `json:"userProcessingResults"`
			}
		}
	}
	data, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(data, &fixture)
	}
	if err != nil {
		log.Fatalf("fixtures: %v", err)
	}
	results := map[string]*result{}
	for _, w := range fixture.Workflows {
		for _, r := range w.Runs {
			for _, u := range r.Users {
				for _, t := range u.Results {
					created, _ := parseTime(t.CreatedDateTime)
					started, _ := parseTime(t.StartedDateTime)
					completed, _ := parseTime(t.CompletedDateTime)
					results[t.ID] = &result{ID: t.ID, Workflow: w.ID, Run: r.ID, User: u.ID, Task: t.TaskID,
						Created: *created, Status: t.ProcessingStatus, Started: started, Completed: completed,
						FailureReason: t.FailureReason}
				}
			}
		}
	}
	return results
}

func main() {
	host := flag.String("host", "127.0.0.1", "host to listen on")
	port := flag.Int("port", 8080, "port to listen on")
	token := flag.String("token", os.Getenv("TPR_TOKEN"), "write token")
	roToken := flag.String("read-only-token", os.Getenv("TPR_READ_ONLY_TOKEN"), "read-only token")
	fixtures := flag.String("fixtures", os.Getenv("TPR_FIXTURES"), "fixture file")
	flag.Parse()
	if *token == "" || *fixtures == "" {
		log.Fatal("-token and -fixtures are required")
	}
	s := &server{results: load(*fixtures), token: *token, roToken: *roToken}
	mux := http.NewServeMux()
	mux.Handle("/beta/", s)
	addr := *host + ":" + strconv.Itoa(*port)
	log.Printf("go net/http taskProcessingResult server on http://%s/beta", addr)
	log.Fatal(http.ListenAndServe(addr, mux))
}
