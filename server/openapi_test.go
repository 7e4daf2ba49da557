package server

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestOpenAPIValidatesAgainstSchema: the served document is valid OpenAPI
// 3.1 by the official JSON Schema (testdata/openapi-3.1, offline), every
// Schema Object included (the schema-base variant checks them against the
// OAS base dialect).
func TestOpenAPIValidatesAgainstSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	for file, id := range map[string]string{
		"schema.json":              "https://spec.openapis.org/oas/3.1/schema/2021-04-15",
		"schema-base.json":         "https://spec.openapis.org/oas/3.1/schema-base/2021-04-15",
		"dialect-base.schema.json": "https://spec.openapis.org/oas/3.1/dialect/base",
		"meta-base.schema.json":    "https://spec.openapis.org/oas/3.1/meta/base",
	} {
		b, err := os.ReadFile("testdata/openapi-3.1/" + file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
	}
	sch, err := c.Compile("https://spec.openapis.org/oas/3.1/schema-base/2021-04-15")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(newTestServer(t).OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("the OpenAPI document is not valid OpenAPI 3.1:\n%v", err)
	}
	// And the validator does catch a broken document.
	broken := map[string]any{"openapi": "3.1.0", "info": map[string]any{"title": "x"}, "paths": map[string]any{"/x": map[string]any{"get": map[string]any{"responses": "nope"}}}}
	if sch.Validate(broken) == nil {
		t.Fatal("a broken document validates")
	}
}
