package cli

import "testing"

func TestIsDockerfileName(t *testing.T) {
	for name, want := range map[string]bool{
		"Dockerfile": true, "Containerfile": true, "Dockerfile.prod": true, "app.Dockerfile": true, "Containerfile.dev": true,
		"Dockerfile.dockerignore": false, "app.Dockerfile.dockerignore": false, "Dockerfile.": false, "Dockerfiles": false,
		"dockerfile": false, "README": false, "Dockerfile.containerignore": false,
	} {
		if isDockerfileName(name) != want {
			t.Errorf("%s: %v", name, !want)
		}
	}
}
