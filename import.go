package shishi

import "context"

// ItemRow is one item as a spreadsheet lists it: the columns offices
// circulate (序号, 事项名称, 层级, 牵头领导, 牵头单位, 配合单位, 目标任务,
// 完成时限 …). Units and tiers are named, not numbered; the store resolves
// them. Row is the sheet row of the item's first line, for error messages.
type ItemRow struct {
	Row         int
	Seq         string
	Code        string
	Title       string
	Tier        string
	Leader      string
	LeadUnit    string
	CoopUnits   []string
	Description string
	Deadline    Date
	Public      bool
	Targets     []TargetRow
}

// TargetRow is one target line of an item in the sheet.
type TargetRow struct {
	Row   int
	Input TargetInput
}

// ImportService loads an item list into a campaign.
type ImportService interface {
	// ImportItems adds every row as a draft item, all or nothing: the
	// first fault anywhere stores none, and the error lists each fault with
	// its row and column. Tiers named in the sheet that the campaign lacks
	// are added. Returns the number of items. EINVALID, EFORBIDDEN.
	ImportItems(ctx context.Context, campaignID int64, rows []ItemRow) (int, error)
}
