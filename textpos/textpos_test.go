package textpos

import "testing"

func TestRoundTrip(t *testing.T) {
	text := "\xef\xbb\xbfFROM a\r\n\tRUN x # 🐳 é\nlast"
	l := NewLines([]byte(text))
	cases := []struct {
		offset  int
		enc     Encoding
		want    Pos
		comment string
	}{
		{0, UTF16, Pos{0, 0}, "start"},
		{3, UTF16, Pos{0, 1}, "after the BOM: one UTF-16 unit"},
		{3, UTF8, Pos{0, 3}, "after the BOM: three bytes"},
		{9, UTF16, Pos{0, 7}, "end of line 0, before CR"},
		{11, UTF16, Pos{1, 0}, "start of line 1 after CRLF"},
		{12, UTF16, Pos{1, 1}, "a tab is one unit"},
		{24, UTF16, Pos{1, 11}, "after the whale: two UTF-16 units"},
		{24, UTF32, Pos{1, 10}, "after the whale: one code point"},
		{24, UTF8, Pos{1, 13}, "after the whale: bytes"},
		{27, UTF16, Pos{1, 13}, "after é"},
	}
	for _, c := range cases {
		if got := l.Pos(c.offset, c.enc); got != c.want {
			t.Errorf("%s: Pos(%d) = %v, want %v", c.comment, c.offset, got, c.want)
		}
		back, err := l.Offset(c.want, c.enc)
		if err != nil || back != c.offset {
			t.Errorf("%s: Offset(%v) = %d, %v; want %d", c.comment, c.want, back, err, c.offset)
		}
	}
}

func TestOffsetClamping(t *testing.T) {
	l := NewLines([]byte("ab🐳\r\ncd"))
	if off, _ := l.Offset(Pos{0, 99}, UTF16); off != 6 {
		t.Errorf("column past the end: %d, want end of line (6)", off)
	}
	if off, _ := l.Offset(Pos{0, 3}, UTF16); off != 2 {
		t.Errorf("column inside a surrogate pair: %d, want 2", off)
	}
	if _, err := l.Offset(Pos{5, 0}, UTF16); err == nil {
		t.Error("line past the end: no error")
	}
	if _, err := l.Offset(Pos{-1, 0}, UTF16); err == nil {
		t.Error("negative line: no error")
	}
	if p := l.Pos(100, UTF16); p != (Pos{1, 2}) {
		t.Errorf("offset past the end: %v", p)
	}
}

func TestEmptyAndInvalidUTF8(t *testing.T) {
	l := NewLines(nil)
	if l.Count() != 1 || l.Pos(0, UTF16) != (Pos{}) {
		t.Error("empty text")
	}
	bad := NewLines([]byte{0xff, 0xfe, 'a'})
	if p := bad.Pos(3, UTF16); p.Col != 3 {
		t.Errorf("invalid bytes count one unit each: %v", p)
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add("FROM a\r\n🐳\tb", 5)
	f.Fuzz(func(t *testing.T, text string, offset int) {
		l := NewLines([]byte(text))
		for _, enc := range []Encoding{UTF8, UTF16, UTF32} {
			p := l.Pos(offset, enc)
			back, err := l.Offset(p, enc)
			if err != nil || back > len(text) {
				t.Fatalf("Offset(Pos(%d)) = %d, %v", offset, back, err)
			}
			if again := l.Pos(back, enc); again != p {
				t.Fatalf("not stable: %v then %v", p, again)
			}
		}
	})
}
