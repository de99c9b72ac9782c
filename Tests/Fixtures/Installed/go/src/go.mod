module example.com/kensa/orders

go 1.19

require (
	example.com/greet v1.2.3
	example.com/old v0.1.0
)

replace example.com/old => example.com/new v0.2.0
