module libnncf/examples/go

go 1.19

require libnncf/bindings/go v0.0.0

replace libnncf/bindings/go => ../../bindings/go
