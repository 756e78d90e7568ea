module tpr-realserver/gohttp

go 1.19
