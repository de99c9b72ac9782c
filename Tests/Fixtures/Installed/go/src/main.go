package main

import (
	"os"

	"example.com/greet"
	"example.com/old"
)

func main() { os.Stdout.WriteString(greet.Hello() + old.Name() + "\n") }
