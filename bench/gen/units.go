package gen

import (
	"context"
	"fmt"
	"strconv"

	"github.com/shishi-edu/shishi"
)

// The 31 provincial-level divisions with their GB/T 2260 codes.
var provinces = []struct {
	code int
	name string
}{
	{11, "北京市"}, {12, "天津市"}, {13, "河北省"}, {14, "山西省"}, {15, "内蒙古自治区"}, {21, "辽宁省"}, {22, "吉林省"},
	{23, "黑龙江省"}, {31, "上海市"}, {32, "江苏省"}, {33, "浙江省"}, {34, "安徽省"}, {35, "福建省"}, {36, "江西省"},
	{37, "山东省"}, {41, "河南省"}, {42, "湖北省"}, {43, "湖南省"}, {44, "广东省"}, {45, "广西壮族自治区"}, {46, "海南省"},
	{50, "重庆市"}, {51, "四川省"}, {52, "贵州省"}, {53, "云南省"}, {54, "西藏自治区"}, {61, "陕西省"}, {62, "甘肃省"},
	{63, "青海省"}, {64, "宁夏回族自治区"}, {65, "新疆维吾尔自治区"},
}

var schoolKinds = []string{"小学", "初级中学", "高级中学", "九年一贯制学校", "幼儿园", "职业高级中学", "完全中学"}

// creditCode completes a 17-character body with the check character that
// shishi.ValidCreditCode accepts.
func creditCode(body string) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for i := 0; i < len(chars); i++ {
		if c := body + chars[i:i+1]; shishi.ValidCreditCode(c) {
			return c
		}
	}
	panic("gen: no check character for " + body)
}

// units writes the ministry, the exam authority (the certificate issuer)
// and the provinces through the store, then cities, counties and schools
// in bulk. Cities and counties get GB-like codes ("4101", "410101");
// schools their county's code and a number ("410101-0007").
func (g *generator) units(ctx context.Context) error {
	upd, done := g.progress("单位 units")
	defer done()
	total := g.res.Units
	root, err := g.db.CreateUnit(g.sys, shishi.UnitInput{Code: "moe", Name: "中华人民共和国教育部", NameEN: "Ministry of Education", Kind: shishi.UnitMinistry})
	if err != nil {
		return err
	}
	g.root = root.ID
	issuer, err := g.db.CreateUnit(g.sys, shishi.UnitInput{ParentID: &root.ID, Code: "neea", Name: "教育部教育考试院", NameEN: "National Education Examinations Authority",
		Kind: shishi.UnitAffiliate, CreditCode: creditCode("12100000400010253")})
	if err != nil {
		return err
	}
	g.issuer = issuer.ID
	for _, p := range provinces {
		u, err := g.db.CreateUnit(g.sys, shishi.UnitInput{ParentID: &root.ID, Code: strconv.Itoa(p.code), Name: p.name + "教育厅", Kind: shishi.UnitProvince,
			CreditCode: creditCode(fmt.Sprintf("11%02d0000%09d", p.code, p.code*1000))})
		if err != nil {
			return err
		}
		g.provinces = append(g.provinces, unitRow{id: u.ID, code: u.Code, name: u.Name, path: u.Path})
	}
	upd(2+len(provinces), total)

	s, err := newSink(ctx, g.db.SQL(), g.db.Postgres())
	if err != nil {
		return err
	}
	defer s.close(ctx)
	t := s.table("units", "id", "parent_id", "code", "name", "kind", "path", "depth", "created_at", "updated_at")
	next, err := g.maxID(ctx, "units")
	if err != nil {
		return err
	}
	add := func(parent unitRow, parentIdx int, code, name string, kind shishi.UnitKind, depth int) unitRow {
		next++
		u := unitRow{id: next, code: code, name: name, path: parent.path + strconv.FormatInt(next, 10) + "/", parent: parentIdx}
		t.add(u.id, parent.id, code, name, string(kind), u.path, depth, AsOf, AsOf)
		return u
	}
	for pi, p := range g.provinces {
		for c := 1; c <= citiesPerProvince; c++ {
			code := fmt.Sprintf("%s%02d", p.code, c)
			g.cities = append(g.cities, add(p, pi, code, provinces[pi].name+"第"+strconv.Itoa(c)+"市教育局", shishi.UnitCity, 2))
		}
	}
	for ci, c := range g.cities {
		for k := 1; k <= countiesPerCity; k++ {
			code := fmt.Sprintf("%s%02d", c.code, k)
			g.counties = append(g.counties, add(c, ci, code, provinces[c.parent].name+"第"+c.code[2:]+"市第"+strconv.Itoa(k)+"县教育局", shishi.UnitCounty, 3))
		}
	}
	if err := s.flush(ctx); err != nil {
		return err
	}
	written := 2 + len(g.provinces) + len(g.cities) + len(g.counties)
	upd(written, total)
	perCounty := make([]int, len(g.counties))
	for i := 0; i < g.res.Schools; i++ {
		ki := i % len(g.counties)
		k := g.counties[ki]
		perCounty[ki]++
		code := fmt.Sprintf("%s-%04d", k.code, perCounty[ki])
		// The county's name without 教育局, so that every school's name is
		// distinct (an imported sheet names its units).
		name := fmt.Sprintf("%s第%d%s", k.name[:len(k.name)-len("教育局")], perCounty[ki], schoolKinds[g.rng.IntN(len(schoolKinds))])
		g.schools = append(g.schools, add(k, ki, code, name, shishi.UnitSchool, 4))
		if len(t.rows) == 50_000 {
			if err := s.flush(ctx); err != nil {
				return err
			}
			upd(written+i+1, total)
		}
	}
	if err := s.flush(ctx); err != nil {
		return err
	}
	upd(total, total)
	return g.sequences(ctx, "units")
}
