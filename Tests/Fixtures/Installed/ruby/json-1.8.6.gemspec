# -*- encoding: utf-8 -*-

Gem::Specification.new do |s|
  s.name = %q{json}
  s.version = Gem::Version.new("1.8.6")

  s.required_rubygems_version = Gem::Requirement.new(">= 0") if s.respond_to? :required_rubygems_version=
  s.authors = [%q{Florian Frank}]
  s.date = %q{2017-01-13}
  s.license = 'Ruby'
  s.summary = %q{JSON Implementation for Ruby}
end
