package dockerfile

import "testing"

// TestRejectedDeclarationsAreRead: an ARG or ENV BuildKit rejects is read
// from the model's words (BuildKit's parser returns a typed nil command
// with its error; reading it panicked, found by the soak test).
func TestRejectedDeclarationsAreRead(t *testing.T) {
	for _, text := range []string{
		"FROM alpine\nENV a=1 b\nRUN echo $a\n",
		"FROM alpine\nENV a=1 \\\n  b\nRUN echo $a\n",
		"FROM alpine\nENV \\\n a\nRUN echo $a\n",
		"FROM alpine\nARG \\\n a=1 =\nRUN echo $a\n",
		"FROM alpine\nENV --bad a=1 \\\n b=2\nRUN echo $a\n",
		"FROM alpine\nARG --bad a=1 \\\n b=2\nRUN echo $a\n",
	} {
		doc := Parse([]byte(text))
		st := doc.State(Options{})
		for _, in := range doc.Instructions {
			st.Of(in) // must not panic
		}
	}
}
