package walk_test

import (
	"compress/flate"
	"io"
)

func flateWriter(w io.Writer) (*flate.Writer, error) {
	return flate.NewWriter(w, flate.BestCompression)
}
