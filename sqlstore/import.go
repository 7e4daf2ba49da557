package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/shishi-edu/shishi"
)

// columnOf names the sheet column of an item field, so an error found by
// validation points at the cell the office must fix.
var columnOf = map[string]string{
	"code": "事项编号", "title": "事项名称", "description": "目标任务", "leader_name": "牵头领导", "lead_unit_id": "牵头单位",
	"coop_unit_ids": "配合单位", "deadline": "完成时限", "tier_id": "层级", "parent_id": "事项名称",
	"name": "指标名称", "unit": "单位", "target": "目标值", "baseline": "基线值", "weight": "权重", "kind": "指标类型", "milestones": "里程碑",
}

// ImportItems implements shishi.ImportService: one transaction for the
// whole sheet, every fault collected with its row and column.
func (d *DB) ImportItems(ctx context.Context, campaignID int64, rows []shishi.ItemRow) (int, error) {
	if len(rows) == 0 {
		return 0, shishi.Invalid(shishi.FieldError{Field: "file", Message: "表中没有事项 / the sheet lists no items"})
	}
	n := 0
	err := d.tx(ctx, func(tx *sql.Tx) error {
		c, err := d.findCampaign(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		if ok, err := d.isOffice(ctx, tx, campaignID); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有活动办可以导入清单 / only the campaign office imports items")
		}
		units, err := d.unitNames(ctx, tx)
		if err != nil {
			return err
		}
		tiers := map[string]int64{}
		next := 0
		for _, t := range c.Tiers {
			tiers[t.Name] = t.ID
			next = max(next, t.Position)
		}
		var faults []shishi.FieldError
		fault := func(row int, col, msg string) {
			if len(faults) < 200 {
				faults = append(faults, shishi.FieldError{Row: row, Field: col, Message: msg})
			}
		}
		var inputs []shishi.ItemInput
		codes := map[string]int{}
		taken, err := d.itemCodes(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		for _, r := range rows {
			in := shishi.ItemInput{Code: r.Code, Title: r.Title, Description: r.Description, LeaderName: r.Leader, Deadline: r.Deadline, Public: r.Public}
			tier := strings.TrimSpace(r.Tier)
			if tier == "" {
				if len(c.Tiers) == 0 {
					tier = "重点事项"
				} else {
					tier = c.Tiers[0].Name
				}
			}
			if id, ok := tiers[tier]; ok {
				in.TierID = id
			} else if len([]rune(tier)) > 100 {
				fault(r.Row, "层级", "层级名称过长 / tier name too long")
			} else {
				next++
				if err := tx.QueryRowContext(ctx, `INSERT INTO tiers (campaign_id, name, position) VALUES ($1, $2, $3) RETURNING id`, campaignID, tier, next).Scan(&in.TierID); err != nil {
					return shishi.Internal(err)
				}
				tiers[tier] = in.TierID
			}
			if id, msg := units.resolve(r.LeadUnit); msg != "" {
				fault(r.Row, "牵头单位", msg)
			} else {
				in.LeadUnitID = id
			}
			for _, u := range r.CoopUnits {
				if id, msg := units.resolve(u); msg != "" {
					fault(r.Row, "配合单位", msg)
				} else {
					in.CoopUnitIDs = append(in.CoopUnitIDs, id)
				}
			}
			if r.Code != "" {
				if prev, dup := codes[r.Code]; dup {
					fault(r.Row, "事项编号", fmt.Sprintf("与第 %d 行重复 / same code as row %d", prev, prev))
				}
				codes[r.Code] = r.Row
				if taken[strings.TrimSpace(r.Code)] {
					fault(r.Row, "事项编号", "事项编号在本活动中已被使用 / code already used in this campaign")
				}
			}
			for _, t := range r.Targets {
				in.Targets = append(in.Targets, t.Input)
			}
			if err := in.Validate(); err != nil {
				for _, f := range shishi.ErrorFields(err) {
					row, col := r.Row, f.Field
					if strings.HasPrefix(f.Field, "targets[") {
						var i int
						var rest string
						if k, _ := fmt.Sscanf(f.Field, "targets[%d]%s", &i, &rest); k >= 1 && i < len(r.Targets) {
							row, col = r.Targets[i].Row, strings.TrimPrefix(rest, ".")
							if j := strings.IndexAny(col, ".["); j >= 0 {
								col = col[:j]
							}
						}
					}
					if name, ok := columnOf[col]; ok {
						col = name
					}
					if f.Field == "lead_unit_id" || f.Field == "tier_id" {
						continue // reported above in the sheet's own terms
					}
					fault(row, col, f.Message)
				}
			}
			inputs = append(inputs, in)
		}
		if len(faults) > 0 {
			e := shishi.Invalid(faults...)
			e.Message = fmt.Sprintf("表格有 %d 处错误，未导入任何事项 / %d faults; nothing imported", len(faults), len(faults))
			if len(faults) == 1 {
				e.Message = fmt.Sprintf("第 %d 行“%s”：%s", faults[0].Row, faults[0].Field, faults[0].Message)
			}
			return e
		}
		if err := d.importWrite(ctx, tx, campaignID, inputs); err != nil {
			return err
		}
		n = len(inputs)
		return d.appendAudit(ctx, tx, "campaign.import", "campaign", campaignID, &c.UnitID, map[string]int{"items": n})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// itemCodes are the codes the campaign's items already use: a sheet's
// item may not take one (the unique index would refuse it without saying
// which row).
func (d *DB) itemCodes(ctx context.Context, tx *sql.Tx, campaignID int64) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT code FROM items WHERE campaign_id = $1 AND code <> ''`, campaignID)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	codes := map[string]bool{}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, shishi.Internal(err)
		}
		codes[code] = true
	}
	return codes, rows.Err()
}

// unitIndex finds units by code or by name, as a sheet names them.
type unitIndex struct {
	byCode map[string]int64
	byName map[string][]int64
}

func (d *DB) unitNames(ctx context.Context, tx *sql.Tx) (*unitIndex, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, code, name FROM units`)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	ix := &unitIndex{byCode: map[string]int64{}, byName: map[string][]int64{}}
	for rows.Next() {
		var id int64
		var code, name string
		if err := rows.Scan(&id, &code, &name); err != nil {
			return nil, shishi.Internal(err)
		}
		ix.byCode[code] = id
		ix.byName[name] = append(ix.byName[name], id)
	}
	return ix, rows.Err()
}

// resolve returns a unit id, or a message saying why the name fails.
func (ix *unitIndex) resolve(s string) (int64, string) {
	s = strings.TrimSpace(s)
	if id, ok := ix.byCode[s]; ok {
		return id, ""
	}
	switch ids := ix.byName[s]; len(ids) {
	case 1:
		return ids[0], ""
	case 0:
		return 0, "找不到单位“" + s + "” / no unit named " + s
	}
	return 0, "有多个单位名为“" + s + "”，请改用单位代码 / several units are named " + s + "; use the unit code"
}

var _ shishi.ImportService = (*DB)(nil)
