package nncf

import (
	"fmt"
	"strings"
	"testing"
)

func TestStructSizesMatchTheLibrary(t *testing.T) {
	for name, goSize := range cStructSizes() {
		librarySize := ABISizeof(name)
		if librarySize == 0 {
			t.Errorf("the library does not know %s", name)
		} else if goSize != librarySize {
			t.Errorf("size of %s: cgo %d, library %d", name, goSize, librarySize)
		}
	}
	if ABISizeof("nncf_no_such_struct") != 0 {
		t.Error("unknown names must give 0")
	}
}

func TestRuntimeVersion(t *testing.T) {
	if RuntimeAPIVersion() < APIVersion {
		t.Fatalf("runtime API %d < %d", RuntimeAPIVersion(), APIVersion)
	}
	if err := CheckRuntimeVersion(); err != nil {
		t.Fatal(err)
	}
	n := VersionNumber()
	want := fmt.Sprintf("%d.%d.%d", n/10000, n/100%100, n%100)
	if !strings.HasPrefix(VersionString(), want) {
		t.Fatalf("version %q vs number %d", VersionString(), n)
	}
}
