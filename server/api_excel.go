package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/xlsx"
)

// maxSheet bounds an uploaded item list: a ledger of 100,000 items as the
// export writes it is 18.5 MiB, and a province's list may be longer.
const maxSheet = 32 << 20

type importResult struct {
	Count int `json:"count"`
}

func (s *Server) excelRoutes() {
	s.api(&operation{Method: "GET", Path: "/api/v1/campaigns/{id}/ledger.xlsx", ID: "exportLedger", Tag: "ledger", Summary: "The ledger (台账) as a formatted .xlsx that the import accepts again",
		Params: []param{pathID()}, handle: s.exportLedger})
	s.api(&operation{Method: "POST", Path: "/api/v1/campaigns/{id}/items:import", ID: "importItems", Tag: "ledger",
		Summary: "Import an item list (multipart field file, .xlsx): all or nothing; 422 lists every fault with row and column",
		Params:  []param{pathID()}, Upload: true, Resp: importResult{}, Status: http.StatusCreated, handle: s.importItems})
}

// campaignItems loads every item of a campaign in reach, page by page.
func (s *Server) campaignItems(r *http.Request, campaignID int64) ([]*shishi.Item, error) {
	var all []*shishi.Item
	var after int64
	for {
		items, _, err := s.Items.FindItems(r.Context(), shishi.ItemFilter{CampaignID: campaignID, After: after, Limit: 500, NoTotal: true})
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if len(items) < 500 {
			return all, nil
		}
		after = items[len(items)-1].ID
	}
}

func (s *Server) exportLedger(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.Campaigns.FindCampaign(r.Context(), id)
	if err != nil {
		return err
	}
	items, err := s.campaignItems(r, id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := xlsx.WriteLedger(&buf, c, items); err != nil {
		return shishi.Internal(err)
	}
	name := fmt.Sprintf("ledger-%d-%s.xlsx", c.ID, shishi.DateOf(s.now()))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+"%E5%8F%B0%E8%B4%A6-"+strconv.FormatInt(c.ID, 10)+".xlsx")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// readSheet takes the uploaded file from a multipart form, bounded in size
// and sniffed: an .xlsx is a zip archive.
func readSheet(w http.ResponseWriter, r *http.Request) ([]shishi.ItemRow, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSheet+1<<20)
	if err := r.ParseMultipartForm(maxSheet); err != nil {
		return nil, shishi.Invalid(shishi.FieldError{Field: "file", Message: "须以 multipart/form-data 上传，且不超过 32 MiB / upload as multipart/form-data, at most 32 MiB"})
	}
	return readSheetForm(r)
}

// readSheetForm reads the "file" field of a parsed multipart form.
func readSheetForm(r *http.Request) ([]shishi.ItemRow, error) {
	f, _, err := r.FormFile("file")
	if err != nil {
		return nil, shishi.Invalid(shishi.FieldError{Field: "file", Message: "缺少文件字段 file / the file field is missing"})
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSheet+1))
	if err != nil {
		return nil, shishi.Invalid(shishi.FieldError{Field: "file", Message: "无法读取上传的文件 / unreadable upload"})
	}
	if len(b) > maxSheet {
		return nil, shishi.Invalid(shishi.FieldError{Field: "file", Message: "文件超过 32 MiB / file larger than 32 MiB"})
	}
	if !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return nil, shishi.Invalid(shishi.FieldError{Field: "file", Message: "不是 .xlsx 文件 / not an .xlsx file"})
	}
	return xlsx.ReadItems(bytes.NewReader(b))
}

func (s *Server) importItems(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if _, err := s.Campaigns.FindCampaign(r.Context(), id); err != nil {
		return err
	}
	// Only a campaign office imports (the store checks which campaign);
	// refuse others before reading their upload.
	if !shishi.ActorFrom(r.Context()).Has(shishi.RoleOffice) {
		return shishi.Errorf(shishi.EFORBIDDEN, "只有活动办可以导入清单 / only the campaign office imports items")
	}
	rows, err := readSheet(w, r)
	if err != nil {
		return err
	}
	n, err := s.Import.ImportItems(r.Context(), id, rows)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, importResult{Count: n})
}
