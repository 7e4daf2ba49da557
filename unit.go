package shishi

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// UnitKind classifies a unit; the tree itself may be of any depth.
type UnitKind string

const (
	UnitMinistry   UnitKind = "ministry"   // 部
	UnitDepartment UnitKind = "department" // 司局 / 处室
	UnitAffiliate  UnitKind = "affiliate"  // 直属单位
	UnitProvince   UnitKind = "province"   // 省级教育行政部门
	UnitCity       UnitKind = "city"       // 市级
	UnitCounty     UnitKind = "county"     // 县级
	UnitUniversity UnitKind = "university" // 高校
	UnitSchool     UnitKind = "school"     // 学校 / 学院
)

var unitKindNames = map[UnitKind][2]string{
	UnitMinistry:   {"部委", "Ministry"},
	UnitDepartment: {"司局处室", "Department"},
	UnitAffiliate:  {"直属单位", "Affiliated unit"},
	UnitProvince:   {"省级", "Province"},
	UnitCity:       {"市级", "City"},
	UnitCounty:     {"县级", "County"},
	UnitUniversity: {"高校", "University"},
	UnitSchool:     {"学校/学院", "School"},
}

// UnitKinds lists every kind in display order.
var UnitKinds = []UnitKind{UnitMinistry, UnitDepartment, UnitAffiliate, UnitProvince, UnitCity, UnitCounty, UnitUniversity, UnitSchool}

// Valid reports whether k is a known kind.
func (k UnitKind) Valid() bool { _, ok := unitKindNames[k]; return ok }

// Label returns the kind's name in Chinese or English.
func (k UnitKind) Label(en bool) string { return label(unitKindNames[k], string(k), en) }

// Unit is an organisation in the tree: the ministry, a department, a
// province, a city, a county, a university, a school. Path lists the ids
// from the root ("/1/4/27/") so that a subtree is one prefix match in SQL.
type Unit struct {
	ID         int64     `json:"id"`
	ParentID   *int64    `json:"parent_id"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	NameEN     string    `json:"name_en"`
	Kind       UnitKind  `json:"kind"`
	CreditCode string    `json:"credit_code,omitempty"` // 统一社会信用代码
	Path       string    `json:"path"`
	Depth      int       `json:"depth"`
	ChildCount int       `json:"child_count"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// UnitInput is what a caller may set on create; nil fields of UnitPatch are
// left alone on update.
type UnitInput struct {
	ParentID   *int64   `json:"parent_id"`
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	NameEN     string   `json:"name_en"`
	Kind       UnitKind `json:"kind"`
	CreditCode string   `json:"credit_code"`
}

// UnitPatch changes some fields of a unit; ParentID moves it.
type UnitPatch struct {
	ParentID   *int64    `json:"parent_id"`
	Name       *string   `json:"name"`
	NameEN     *string   `json:"name_en"`
	Kind       *UnitKind `json:"kind"`
	CreditCode *string   `json:"credit_code"`
}

var codeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Normalize trims surrounding white space from the text fields.
func (in *UnitInput) Normalize() {
	in.Code = strings.ToLower(strings.TrimSpace(in.Code))
	in.Name = strings.TrimSpace(in.Name)
	in.NameEN = strings.TrimSpace(in.NameEN)
	in.CreditCode = strings.ToUpper(strings.TrimSpace(in.CreditCode))
}

// Validate checks a new unit; every fault is reported at once.
func (in *UnitInput) Validate() error {
	var v Validator
	in.Normalize()
	checkUnitName(&v, "name", in.Name)
	v.Check(utf8.RuneCountInString(in.NameEN) <= 200, "name_en", "英文名称不能超过 200 个字符 / must be at most 200 characters")
	v.Check(!hasControl(in.NameEN), "name_en", "含有控制字符 / contains control characters")
	v.Check(codeRE.MatchString(in.Code), "code", "代码须为 1–63 位小写字母、数字或连字符 / must be 1–63 lower-case letters, digits or hyphens")
	v.Check(in.Kind.Valid(), "kind", "未知的单位类型 / unknown unit kind")
	if in.CreditCode != "" && !ValidCreditCode(in.CreditCode) {
		v.Add("credit_code", "统一社会信用代码无效 / not a valid unified social credit code")
	}
	if in.ParentID != nil && *in.ParentID <= 0 {
		v.Add("parent_id", "上级单位无效 / invalid parent unit")
	}
	return v.Err()
}

// Validate checks a patch; at least one field must be set.
func (p *UnitPatch) Validate() error {
	var v Validator
	if p.ParentID == nil && p.Name == nil && p.NameEN == nil && p.Kind == nil && p.CreditCode == nil {
		v.Add("body", "没有要修改的字段 / nothing to change")
	}
	if p.Name != nil {
		*p.Name = strings.TrimSpace(*p.Name)
		checkUnitName(&v, "name", *p.Name)
	}
	if p.NameEN != nil {
		*p.NameEN = strings.TrimSpace(*p.NameEN)
		v.Check(utf8.RuneCountInString(*p.NameEN) <= 200, "name_en", "英文名称不能超过 200 个字符 / must be at most 200 characters")
		v.Check(!hasControl(*p.NameEN), "name_en", "含有控制字符 / contains control characters")
	}
	if p.Kind != nil {
		v.Check(p.Kind.Valid(), "kind", "未知的单位类型 / unknown unit kind")
	}
	if p.CreditCode != nil {
		*p.CreditCode = strings.ToUpper(strings.TrimSpace(*p.CreditCode))
		if *p.CreditCode != "" && !ValidCreditCode(*p.CreditCode) {
			v.Add("credit_code", "统一社会信用代码无效 / not a valid unified social credit code")
		}
	}
	if p.ParentID != nil && *p.ParentID <= 0 {
		v.Add("parent_id", "上级单位无效 / invalid parent unit")
	}
	return v.Err()
}

func checkUnitName(v *Validator, field, name string) {
	switch {
	case name == "":
		v.Add(field, "名称不能为空 / name is required")
	case utf8.RuneCountInString(name) > 100:
		v.Add(field, "名称不能超过 100 个字符 / must be at most 100 characters")
	case hasControl(name) || !utf8.ValidString(name):
		v.Add(field, "含有控制字符或无效编码 / contains control characters or invalid UTF-8")
	}
}

func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidCreditCode checks an 18-character unified social credit code
// (统一社会信用代码, GB 32100-2015) including its check character, so a
// mistyped code is caught at input.
func ValidCreditCode(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		n := strings.IndexByte(creditCodeChars, s[i])
		if n < 0 {
			return false
		}
		sum += n * creditCodeWeights[i]
	}
	c := (31 - sum%31) % 31
	return s[17] == creditCodeChars[c]
}

// UnitFilter selects units. The store always intersects it with the
// actor's reach.
type UnitFilter struct {
	ParentID *int64 // direct children of this unit
	Under    *int64 // the whole subtree of this unit, itself included
	Kind     UnitKind
	Code     string // exact code
	Query    string // substring of name, English name or code
	After    int64  // cursor: ids greater than this
	Limit    int
}

// UnitChange is one entry of a unit's history (rename, move, …).
type UnitChange struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Field  string    `json:"field"`
	Before string    `json:"before"`
	After  string    `json:"after"`
}

// UnitService manages the unit tree. Every method is scoped to the actor in
// ctx: a unit outside the actor's reach does not exist for it (ENOTFOUND).
type UnitService interface {
	// FindUnit returns one unit. ENOTFOUND when missing or out of reach.
	FindUnit(ctx context.Context, id int64) (*Unit, error)
	// FindUnits lists units in reach, by id, with the total count.
	FindUnits(ctx context.Context, f UnitFilter) ([]*Unit, int, error)
	// CreateUnit adds a unit under a parent in the actor's admin reach.
	// EINVALID, EFORBIDDEN, ENOTFOUND (parent), ECONFLICT (code taken).
	CreateUnit(ctx context.Context, in UnitInput) (*Unit, error)
	// UpdateUnit renames or moves a unit; version must match (0 skips the
	// check). EINVALID (e.g. a move under its own subtree), EFORBIDDEN,
	// ENOTFOUND, EPRECONDITION (stale version).
	UpdateUnit(ctx context.Context, id int64, version int64, p UnitPatch) (*Unit, error)
	// UnitHistory lists a page of what changed on a unit, newest first,
	// and how many changes there are.
	UnitHistory(ctx context.Context, id int64, p Page) ([]UnitChange, int, error)
	// UnitAncestors returns the chain from the root to the unit's parent
	// (names only, as a breadcrumb), limited to units in reach.
	UnitAncestors(ctx context.Context, id int64) ([]*Unit, error)
	// UnitTree returns every unit in reach, parents before children.
	UnitTree(ctx context.Context) ([]*Unit, error)
}
