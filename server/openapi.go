package server

import (
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
)

func (s *Server) apiRoutes() {
	s.unitRoutes()
	s.userRoutes()
	s.auditRoutes()
	s.ledgerRoutes()
	s.excelRoutes()
	s.evidenceRoutes()
	s.coordinationRoutes()
	s.complaintRoutes()
	if s.Credentials != nil {
		s.credentialRoutes()
		s.holderAPIRoutes()
	}
	s.integrationRoutes()
	s.supervisionRoutes()
	s.portalAPIRoutes()
	if s.Online != nil {
		s.serviceRoutes()
	}
	if s.Accounts != nil {
		s.accountRoutes()
	}
	s.participationAPIRoutes()
	s.mountAPI()
}

// openapi serves the OpenAPI 3.1 document, built from the same operation
// table that routes the API.
func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	_ = writeJSON(w, http.StatusOK, s.OpenAPI())
}

// OpenAPI returns the document as a JSON-ready value.
func (s *Server) OpenAPI() map[string]any {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, op := range s.ops {
		item := paths[op.Path]
		if item == nil {
			item = map[string]any{}
			paths[op.Path] = item
		}
		o := map[string]any{"operationId": op.ID, "summary": op.Summary, "tags": []string{op.Tag}}
		var params []any
		for _, p := range op.Params {
			params = append(params, map[string]any{"name": p.Name, "in": p.In, "required": p.Required || p.In == "path",
				"description": p.Desc, "schema": map[string]any{"type": p.Type}})
		}
		if op.ETag && (op.Method == "PATCH" || strings.Contains(op.Path, "}:")) {
			params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": false,
				"description": "the ETag last read; a stale one answers 412", "schema": map[string]any{"type": "string"}})
		}
		if op.Method == "POST" && op.Status == http.StatusCreated {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
				"description": "a retry with the same key and body answers as the first request did and creates nothing more (kept 24 h)", "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Upload {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{
				"type": "object", "required": []string{"file"}, "properties": map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}}}}}
		}
		if op.Body != nil {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(op.Body))}}}
		}
		status := op.Status
		if status == 0 {
			status = http.StatusOK
		}
		resp := map[string]any{"description": http.StatusText(status)}
		if op.Resp != nil {
			sch := g.schema(reflect.TypeOf(op.Resp))
			if op.List {
				props := map[string]any{
					"items": map[string]any{"type": "array", "items": sch},
					"total": map[string]any{"type": "integer"},
					"next":  map[string]any{"type": "string", "description": "cursor of the next page, empty at the end"},
				}
				for _, c := range op.Counts {
					props[c] = map[string]any{"type": "integer"}
				}
				sch = map[string]any{"type": "object", "required": []string{"items", "total", "next"}, "properties": props}
			}
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": sch}}
		}
		if op.ETag {
			resp["headers"] = map[string]any{"ETag": map[string]any{"schema": map[string]any{"type": "string"}}}
		}
		responses := map[string]any{strconv.Itoa(status): resp, "default": map[string]any{"$ref": "#/components/responses/Problem"}}
		o["responses"] = responses
		if op.Public {
			o["security"] = []any{}
		}
		item[strings.ToLower(op.Method)] = o
	}
	g.defs["FieldError"] = g.structSchema(reflect.TypeOf(shishi.FieldError{}))
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Shishi 实事 API", "version": shishi.Version,
			"description": "JSON API of Shishi, the platform of the 我为群众办实事 campaign. Every list answers {items, total, next}; errors are RFC 9457 problem details."},
		"servers":  []any{map[string]any{"url": s.cfg.PublicURL}},
		"paths":    paths,
		"security": []any{map[string]any{"bearer": []string{}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
				"description": "an API token as `shishi token create` prints it"}},
			"schemas": g.defs,
			"responses": map[string]any{"Problem": map[string]any{"description": "RFC 9457 problem details",
				"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{
					"type": "object", "properties": map[string]any{
						"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"},
						"status": map[string]any{"type": "integer"}, "detail": map[string]any{"type": "string"},
						"code": map[string]any{"type": "string"}, "instance": map[string]any{"type": "string"},
						"request_id": map[string]any{"type": "string"},
						"errors":     map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/FieldError"}},
					}}}}}},
		},
		"tags": tagList(s.ops),
	}
}

func tagList(ops []*operation) []any {
	seen := map[string]bool{}
	var names []string
	for _, op := range ops {
		if !seen[op.Tag] {
			seen[op.Tag] = true
			names = append(names, op.Tag)
		}
	}
	sort.Strings(names)
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = map[string]any{"name": n}
	}
	return out
}

// schemaGen derives JSON Schemas from Go types through their json tags, so
// the document follows the types.
type schemaGen struct{ defs map[string]any }

var timeType = reflect.TypeOf(time.Time{})

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Pointer:
		s := g.schema(t.Elem())
		if ty, ok := s["type"].(string); ok {
			c := map[string]any{}
			for k, v := range s {
				c[k] = v
			}
			c["type"] = []string{ty, "null"}
			return c
		}
		return map[string]any{"oneOf": []any{s, map[string]any{"type": "null"}}}
	case t.Kind() == reflect.Struct:
		name := t.Name()
		if name == "" {
			return g.structSchema(t)
		}
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = map[string]any{} // placeholder against recursion
			g.defs[name] = g.structSchema(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case t.Kind() == reflect.String:
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return map[string]any{"type": "number"}
	}
	return map[string]any{}
}

func (g *schemaGen) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
	}
	return map[string]any{"type": "object", "properties": props}
}
