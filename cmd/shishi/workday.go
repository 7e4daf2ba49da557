package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/workday"
)

// maxWorkdays bounds N of "workday add": about forty years of working days.
const maxWorkdays = 10000

// workdayAdd is "shishi workday add [--calendar FILE] DATE N": the date N
// working days after DATE, on the last line of stdout.
func workdayAdd(ctx context.Context, args []string, stdout io.Writer) error {
	cal, rest, path, err := workdayCalendar("workday add", args)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return usageError{"want DATE N, e.g. 2021-09-30 15"}
	}
	d, err := workdayDate("DATE", rest[0])
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(rest[1])
	if err != nil || n < -maxWorkdays || n > maxWorkdays {
		return shishi.Invalid(shishi.FieldError{Field: "N", Message: fmt.Sprintf("须为 -%d 到 %d 的整数 / must be an integer from -%d to %d", maxWorkdays, maxWorkdays, maxWorkdays, maxWorkdays)})
	}
	r := cal.Add(d, n)
	if !r.Valid() {
		return shishi.Invalid(shishi.FieldError{Field: "N", Message: "结果超出日期范围 / result out of the date range"})
	}
	lo, hi := d, r
	if hi < lo {
		lo, hi = hi, lo
	}
	workdayWarn(stdout, cal, lo, hi, path)
	_, err = fmt.Fprintln(stdout, r)
	return err
}

// workdayBetween is "shishi workday between [--calendar FILE] A B": the
// working days after A up to and including B (0 when B is not after A), on
// the last line of stdout.
func workdayBetween(ctx context.Context, args []string, stdout io.Writer) error {
	cal, rest, path, err := workdayCalendar("workday between", args)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return usageError{"want A B, e.g. 2021-09-30 2021-10-22"}
	}
	a, err := workdayDate("A", rest[0])
	if err != nil {
		return err
	}
	b, err := workdayDate("B", rest[1])
	if err != nil {
		return err
	}
	if a < b {
		workdayWarn(stdout, cal, shishi.DateOf(a.Time().AddDate(0, 0, 1)), b, path)
	}
	_, err = fmt.Fprintln(stdout, cal.Between(a, b))
	return err
}

// workdayCalendar parses --calendar and builds the calendar; path is the
// override file read, "" for none.
func workdayCalendar(name string, args []string) (cal *workday.Calendar, rest []string, path string, err error) {
	set := flag.NewFlagSet(name, flag.ContinueOnError)
	set.StringVar(&path, "calendar", "", "holiday override file (default $SHISHI_DATA/holidays.txt or ./shishi-data/holidays.txt if it exists)")
	if err := parse(set, args); err != nil {
		return nil, nil, "", err
	}
	explicit := path != ""
	if !explicit {
		dir := os.Getenv("SHISHI_DATA")
		if dir == "" {
			dir = "shishi-data"
		}
		path = filepath.Join(dir, "holidays.txt")
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		cal, err = workday.New(nil)
		return cal, set.Args(), "", err
	}
	if err != nil {
		return nil, nil, "", shishi.Invalid(shishi.FieldError{Field: "calendar", Message: "无法打开节假日文件 / cannot open the holiday file: " + err.Error()})
	}
	defer f.Close()
	cal, err = workday.New(f)
	if err != nil {
		if fields := shishi.ErrorFields(err); len(fields) > 0 {
			err = &shishi.Error{Code: shishi.EINVALID, Message: path + ": 节假日文件有误 / bad holiday file", Fields: fields}
		}
		return nil, nil, "", err
	}
	return cal, set.Args(), path, nil
}

func workdayDate(field, s string) (shishi.Date, error) {
	d, err := shishi.ParseDate(s)
	if err != nil {
		return "", shishi.Invalid(shishi.FieldError{Field: field, Message: "须为日期 YYYY-MM-DD / must be a date YYYY-MM-DD: " + strconv.Quote(s)})
	}
	return d, nil
}

// workdayWarn prints one line naming the years of lo..hi whose official
// arrangement is unknown, so the answer counted them as plain weeks.
func workdayWarn(w io.Writer, cal *workday.Calendar, lo, hi shishi.Date, path string) {
	var spans []string
	y0, y1 := lo.Time().Year(), hi.Time().Year()
	for y := y0; y <= y1; y++ {
		if cal.Covers(y) {
			continue
		}
		end := y
		for end < y1 && !cal.Covers(end+1) {
			end++
		}
		if end == y {
			spans = append(spans, strconv.Itoa(y))
		} else {
			spans = append(spans, fmt.Sprintf("%d–%d", y, end))
		}
		y = end
	}
	if len(spans) == 0 {
		return
	}
	where := "--calendar FILE / $SHISHI_DATA/holidays.txt"
	if path != "" {
		where = path
	}
	ys := strings.Join(spans, ", ")
	fmt.Fprintf(w, "注意：%s 年的法定节假日安排未知，按周一至周五计算，请加入 %s / warning: official holidays unknown for %s, counted Monday to Friday; add them to %s\n", ys, where, ys, where)
}
