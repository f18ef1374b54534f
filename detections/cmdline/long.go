package cmdline

import "strconv"

func longReason(n, threshold int) string {
	return "command line is " + strconv.Itoa(n) + " characters long (threshold " + strconv.Itoa(threshold) + ")"
}
